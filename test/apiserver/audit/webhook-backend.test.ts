import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebhookBackend } from '../../../src/apiserver/audit/webhook-backend.js';
import type { AuditEvent, AuditEventList } from '../../../src/apiserver/audit/types.js';

function event(n: number): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${n}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/pods',
    verb: 'list',
    user: { username: 'admin' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2024-05-01T12:00:00.000000Z',
    stageTimestamp: '2024-05-01T12:00:00.001000Z',
  };
}

interface Received {
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: AuditEventList;
}

/** A webhook receiver on 127.0.0.1; `answer` decides each response's code, or holds it while it returns a promise. */
class Receiver {
  received: Received[] = [];
  answer: (n: number) => number | Promise<number> = () => 200;
  /** Requests answered since the last reset(). */
  requests = 0;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const code = await this.answer(this.requests++);
      if (code === 200) {
        this.received.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          authorization: req.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AuditEventList,
        });
      }
      res.writeHead(code).end();
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/audit/events`;
  }

  reset(answer: (n: number) => number | Promise<number> = () => 200): void {
    this.received = [];
    this.requests = 0;
    this.answer = answer;
  }

  get ids(): string[] {
    return this.received.flatMap((r) => r.body.items.map((e) => e.auditID));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'wharf-audit-webhook-'));
function kubeconfig(server: string, token = 'audit-token'): string {
  const path = join(dir, `webhook-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
  - name: audit-sink
    cluster:
      server: ${server}
users:
  - name: apiserver
    user:
      token: ${token}
contexts:
  - name: webhook
    context:
      cluster: audit-sink
      user: apiserver
current-context: webhook
`,
  );
  return path;
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('WebhookBackend', () => {
  const receiver = new Receiver();
  before(() => receiver.start());
  after(() => receiver.stop());

  test('posts full batches at once as audit.k8s.io/v1 EventLists with the kubeconfig\'s token', async () => {
    receiver.reset();
    const hook = new WebhookBackend(kubeconfig(receiver.url), { batchMaxSize: 3, batchMaxWaitMs: 60_000 });
    for (let i = 0; i < 7; i++) hook.processEvents([event(i)]);
    await until(() => receiver.received.length === 2, 'two full batches');
    await sleep(30);
    assert.equal(receiver.received.length, 2, 'the partial batch waits');
    const first = receiver.received[0];
    assert.equal(first.path, '/audit/events');
    assert.equal(first.contentType, 'application/json');
    assert.equal(first.authorization, 'Bearer audit-token');
    assert.deepEqual(Object.keys(first.body), ['kind', 'apiVersion', 'metadata', 'items']);
    assert.equal(first.body.kind, 'EventList');
    assert.equal(first.body.apiVersion, 'audit.k8s.io/v1');
    assert.deepEqual(first.body.items[0], event(0));
    await hook.close();
    assert.deepEqual(receiver.ids, ['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6'], 'close() sends the rest, in order');
    assert.deepEqual(receiver.received.map((r) => r.body.items.length), [3, 3, 1]);
    assert.deepEqual(hook.stats, { sent: 7, dropped: 0, failedRequests: 0 });
  });

  test('a partial batch goes after batchMaxWaitMs', async () => {
    receiver.reset();
    const hook = new WebhookBackend(kubeconfig(receiver.url), { batchMaxSize: 100, batchMaxWaitMs: 40 });
    hook.processEvents([event(1), event(2)]);
    await sleep(10);
    assert.equal(receiver.received.length, 0);
    await until(() => receiver.received.length === 1, 'the timed batch');
    assert.deepEqual(receiver.ids, ['id-1', 'id-2']);
    hook.processEvents([event(3)]);
    await until(() => receiver.received.length === 2, 'the next timed batch');
    await hook.close();
    assert.deepEqual(receiver.ids, ['id-1', 'id-2', 'id-3']);
  });

  test('retries 5xx and 429 with backoff, then delivers', async () => {
    receiver.reset((n) => (n === 0 ? 503 : n === 1 ? 429 : 200));
    const hook = new WebhookBackend(kubeconfig(receiver.url), { batchMaxSize: 2, batchMaxWaitMs: 60_000, initialBackoffMs: 5 });
    hook.processEvents([event(1), event(2)]);
    await until(() => receiver.received.length === 1, 'the retried batch');
    await hook.close();
    assert.deepEqual(receiver.ids, ['id-1', 'id-2']);
    assert.deepEqual(hook.stats, { sent: 2, dropped: 0, failedRequests: 2 });
  });

  test('a 4xx is not retried: the batch is dropped and counted', async () => {
    let calls = 0;
    receiver.reset(() => {
      calls++;
      return 400;
    });
    const errors: Error[] = [];
    const hook = new WebhookBackend(kubeconfig(receiver.url), { batchMaxSize: 2, initialBackoffMs: 5, onError: (e) => errors.push(e) });
    hook.processEvents([event(1), event(2)]);
    await hook.close();
    assert.equal(calls, 1);
    assert.deepEqual(hook.stats, { sent: 0, dropped: 2, failedRequests: 1 });
    assert.match(errors[0].message, /dropped 2 audit events: webhook answered 400/);
  });

  test('a full buffer drops and counts events instead of stalling the request path', async () => {
    let release!: () => void;
    const held = new Promise<number>((resolve) => (release = () => resolve(200)));
    receiver.reset((n) => (n === 0 ? held : 200));
    const hook = new WebhookBackend(kubeconfig(receiver.url), { batchMaxSize: 2, bufferSize: 4, batchMaxWaitMs: 60_000 });
    hook.processEvents([event(0), event(1)]);
    await sleep(20); // the first batch is in flight and held
    const start = process.hrtime.bigint();
    for (let i = 2; i < 12; i++) hook.processEvents([event(i)]);
    assert.ok(process.hrtime.bigint() - start < 50_000_000n, 'processEvents returns at once');
    assert.equal(hook.stats.dropped, 6);
    release();
    await hook.close();
    assert.deepEqual(receiver.ids, ['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
    assert.deepEqual(hook.stats, { sent: 6, dropped: 6, failedRequests: 0 });
  });

  test('an unreachable webhook: close() gives up after closeTimeoutMs and counts what it could not send', async () => {
    const down = new Receiver();
    await down.start();
    await down.stop();
    const hook = new WebhookBackend(kubeconfig(down.url), { batchMaxSize: 10, initialBackoffMs: 20, maxRetries: 100, closeTimeoutMs: 150, onError: () => {} });
    hook.processEvents([event(1), event(2), event(3)]);
    const start = Date.now();
    await hook.close();
    assert.ok(Date.now() - start < 1000);
    assert.equal(hook.stats.sent, 0);
    hook.processEvents([event(4)]);
    assert.equal(hook.stats.dropped, 1, 'an event after close is dropped and counted');
    await until(() => hook.stats.dropped === 4, 'the abandoned batch to be counted');
  });

  test('a broken config file stops construction with its name', () => {
    const path = join(dir, 'empty.yaml');
    writeFileSync(path, 'apiVersion: v1\nkind: Config\nclusters: []\n');
    assert.throws(() => new WebhookBackend(path), /invalid audit webhook config file ".*empty\.yaml": no cluster with a server URL/);
  });
});
