import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlreadyExists, isConflict, isInvalid, isNotFound, StatusError, type KubeObject, type Status } from '../../src/api/index.js';
import { ApiClient, resourcePath } from '../../src/client/api-client.js';
import { configMap, configMaps, deployment, deployments, namespaces, startApi } from './fixtures.js';

test('resourcePath() builds core, group, namespaced, cluster-scoped and subresource paths', () => {
  assert.equal(resourcePath(configMaps, 'ns'), '/api/v1/namespaces/ns/configmaps');
  assert.equal(resourcePath(configMaps), '/api/v1/configmaps');
  assert.equal(resourcePath(deployments, 'ns', 'web', 'status'), '/apis/apps/v1/namespaces/ns/deployments/web/status');
  assert.equal(resourcePath(namespaces, undefined, 'kube-system'), '/api/v1/namespaces/kube-system');
  assert.throws(() => resourcePath(configMaps, undefined, 'x'), TypeError);
});

test('ApiClient create, get, list, update and delete a ConfigMap; Status errors arrive as StatusError', async () => {
  const api = await startApi();
  const { client } = api;
  try {
    const created = await client.create(configMaps, configMap('a', { k: '1' }, 'default', { app: 'x' }));
    assert.equal(created.metadata.name, 'a');
    assert.ok(created.metadata.resourceVersion);
    await client.create(configMaps, configMap('b', { k: '2' }, 'default', { app: 'y' }));

    const got = await client.get(configMaps, 'a', { namespace: 'default' });
    assert.deepEqual(got.data, { k: '1' });

    const all = await client.list(configMaps, { namespace: 'default' });
    assert.equal(all.kind, 'ConfigMapList');
    assert.deepEqual(all.items.map((i) => i.metadata.name).sort(), ['a', 'b']);
    assert.ok(all.metadata.resourceVersion);

    const labelled = await client.list(configMaps, { namespace: 'default', labelSelector: 'app=y' });
    assert.deepEqual(labelled.items.map((i) => i.metadata.name), ['b']);
    const byField = await client.list(configMaps, { fieldSelector: 'metadata.name=a' });
    assert.deepEqual(byField.items.map((i) => i.metadata.name), ['a']);

    const page1 = await client.list(configMaps, { namespace: 'default', limit: 1 });
    assert.equal(page1.items.length, 1);
    assert.ok(page1.metadata.continue);
    const page2 = await client.list(configMaps, { namespace: 'default', limit: 1, continue: page1.metadata.continue });
    assert.equal(page2.items.length, 1);
    assert.notEqual(page2.items[0].metadata.name, page1.items[0].metadata.name);

    const updated = await client.update(configMaps, { ...got, data: { k: 'changed' } });
    assert.deepEqual(updated.data, { k: 'changed' });
    assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);

    // A PUT carrying the old resourceVersion loses the race.
    await assert.rejects(client.update(configMaps, { ...got, data: { k: 'stale' } }), (e) => {
      assert.ok(e instanceof StatusError);
      assert.ok(isConflict(e));
      assert.equal(e.code, 409);
      assert.match(e.message, /^Operation cannot be fulfilled on configmaps "a": the object has been modified/);
      return true;
    });

    await assert.rejects(client.create(configMaps, configMap('a')), (e) => isAlreadyExists(e) && (e as StatusError).message === 'configmaps "a" already exists');
    await assert.rejects(client.create(configMaps, configMap('Bad_Name')), (e) => isInvalid(e) && (e as StatusError).code === 422);

    const deleted = await client.delete(configMaps, 'a', { namespace: 'default' });
    assert.ok(deleted.kind === 'Status' || deleted.kind === 'ConfigMap');
    await assert.rejects(client.get(configMaps, 'a', { namespace: 'default' }), (e) => {
      assert.ok(isNotFound(e));
      assert.equal((e as StatusError).message, 'configmaps "a" not found');
      assert.equal((e as StatusError).status.details?.name, 'a');
      return true;
    });
    await assert.rejects(client.delete(configMaps, 'a', { namespace: 'default' }), isNotFound);
  } finally {
    await api.close();
  }
});

test('ApiClient.delete() sends DeleteOptions: a failed uid precondition is a Conflict', async () => {
  const api = await startApi();
  try {
    await api.client.create(configMaps, configMap('p'));
    await assert.rejects(api.client.delete(configMaps, 'p', { namespace: 'default', preconditions: { uid: 'not-the-uid' } }), isConflict);
    await api.client.delete(configMaps, 'p', { namespace: 'default', propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    await assert.rejects(api.client.get(configMaps, 'p', { namespace: 'default' }), isNotFound);
  } finally {
    await api.close();
  }
});

test('ApiClient.patch() speaks json, merge, strategic and apply (with fieldManager and force)', async () => {
  const api = await startApi();
  const { client } = api;
  try {
    await client.create(configMaps, configMap('m', { a: '1' }));
    let cm = await client.patch(configMaps, 'm', { data: { b: '2' } }, { type: 'merge', namespace: 'default' });
    assert.deepEqual(cm.data, { a: '1', b: '2' });
    cm = await client.patch(configMaps, 'm', [{ op: 'remove', path: '/data/a' }], { type: 'json', namespace: 'default' });
    assert.deepEqual(cm.data, { b: '2' });
    cm = await client.patch(configMaps, 'm', { metadata: { labels: { s: 't' } } }, { type: 'strategic', namespace: 'default' });
    assert.deepEqual(cm.metadata.labels, { s: 't' });

    const applied = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data: { owner: 'one' } };
    cm = await client.patch(configMaps, 'ssa', applied, { type: 'apply', namespace: 'default', fieldManager: 'one' });
    assert.deepEqual(cm.data, { owner: 'one' });
    assert.ok(cm.metadata.managedFields?.some((f) => f.manager === 'one'));
    const rival = { ...applied, data: { owner: 'two' } };
    await assert.rejects(client.patch(configMaps, 'ssa', rival, { type: 'apply', namespace: 'default', fieldManager: 'two' }), isConflict);
    cm = await client.patch(configMaps, 'ssa', rival, { type: 'apply', namespace: 'default', fieldManager: 'two', force: true });
    assert.deepEqual(cm.data, { owner: 'two' });
    assert.throws(() => client.patch(configMaps, 'ssa', rival, { type: 'apply', namespace: 'default' }), TypeError);
  } finally {
    await api.close();
  }
});

test('ApiClient.updateStatus() writes only status; update() keeps it', async () => {
  const api = await startApi();
  const { client } = api;
  try {
    const d = await client.create(deployments, deployment('web', 2));
    const withStatus = await client.updateStatus(deployments, { ...d, spec: { ...(d.spec as object), replicas: 9 }, status: { replicas: 2, observedGeneration: 1 } });
    assert.equal((withStatus.status as { replicas: number }).replicas, 2);
    assert.equal((withStatus.spec as { replicas: number }).replicas, 2, 'spec changes through /status are dropped');
    const specOnly = await client.update(deployments, { ...withStatus, status: { replicas: 7 } });
    assert.equal((specOnly.status as { replicas: number }).replicas, 2, 'status changes through the main resource are dropped');
  } finally {
    await api.close();
  }
});

test('ApiClient.watch() streams ADDED, MODIFIED and DELETED and ends cleanly on abort', async () => {
  const api = await startApi();
  const { client } = api;
  try {
    const list = await client.list(configMaps, { namespace: 'default' });
    const abort = new AbortController();
    const stream = await client.watch(configMaps, { namespace: 'default', resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true, signal: abort.signal });
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const ev of stream) {
        if (ev.type === 'BOOKMARK') continue;
        seen.push(`${ev.type} ${ev.type === 'ERROR' ? ev.object.code : ev.object.metadata.name}`);
        if (seen.length === 3) abort.abort();
      }
    })();
    const cm = await client.create(configMaps, configMap('w'));
    await client.update(configMaps, { ...cm, data: { k: 'v2' } });
    await client.delete(configMaps, 'w', { namespace: 'default' });
    await consumed; // resolves without throwing once aborted
    assert.deepEqual(seen, ['ADDED w', 'MODIFIED w', 'DELETED w']);
    assert.equal(stream.isStopped, true);
  } finally {
    await api.close();
  }
});

test('ApiClient.watch() rejects with the StatusError of a refused watch', async () => {
  const api = await startApi();
  try {
    await assert.rejects(api.client.watch(configMaps, { resourceVersion: 'abc' }), (e) => e instanceof StatusError && e.code === 400);
  } finally {
    await api.close();
  }
});

test('ApiClient.request() reaches any path and throws StatusError for 404', async () => {
  const api = await startApi();
  try {
    const version = await api.client.request<{ gitVersion: string }>('GET', '/version');
    assert.match(version.gitVersion, /wharf/);
    await assert.rejects(api.client.request('GET', '/apis/nope.example.com/v1/things'), isNotFound);
  } finally {
    await api.close();
  }
});

test('ApiClient.fromKubeconfig() reads the server from a kubeconfig file', async () => {
  const api = await startApi();
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-client-'));
  try {
    const file = path.join(dir, 'config');
    writeFileSync(file, `apiVersion: v1
kind: Config
current-context: local
clusters: [{ name: c, cluster: { server: "http://127.0.0.1:${api.port}" } }]
users: [{ name: u, user: {} }]
contexts: [{ name: local, context: { cluster: c, user: u } }]
`);
    const client = ApiClient.fromKubeconfig(file, { component: 'scheduler' });
    assert.equal(client.userAgent, 'wharf-scheduler/0.1.0');
    const ns = await client.get(namespaces, 'kube-system');
    assert.equal(ns.metadata.name, 'kube-system');
    client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await api.close();
  }
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('ApiClient speaks HTTPS with a CA, sends the bearer token and User-Agent, and reuses connections', { skip: !hasOpenssl() && 'openssl is not installed' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-client-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    const key = readFileSync(path.join(dir, 'key.pem'));
    const seen: { ua?: string; auth?: string; socket: unknown }[] = [];
    const server = createHttpsServer({ cert, key }, (req, res) => {
      seen.push({ ua: req.headers['user-agent'], auth: req.headers.authorization, socket: req.socket });
      if (req.url === '/api/v1/namespaces/default/configmaps/missing') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "missing" not found', reason: 'NotFound', code: 404, details: { name: 'missing', kind: 'configmaps' } };
        res.end(JSON.stringify(status));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } } satisfies KubeObject));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const client = new ApiClient({ baseUrl: `https://127.0.0.1:${port}`, ca: cert, token: 's3cret', component: 'node-agent' });
    try {
      await client.get(configMaps, 'x', { namespace: 'default' });
      await client.get(configMaps, 'x', { namespace: 'default' });
      await assert.rejects(client.get(configMaps, 'missing', { namespace: 'default' }), isNotFound);
      assert.equal(seen[0].ua, 'wharf-node-agent/0.1.0');
      assert.equal(seen[0].auth, 'Bearer s3cret');
      assert.equal(seen[1].socket, seen[0].socket, 'keep-alive reuses the connection');
      // Without the CA the server's certificate is not trusted.
      const untrusting = new ApiClient({ baseUrl: `https://127.0.0.1:${port}` });
      await assert.rejects(untrusting.get(configMaps, 'x', { namespace: 'default' }), /self.signed|certificate/i);
      untrusting.close();
      const insecure = new ApiClient({ baseUrl: `https://127.0.0.1:${port}`, insecureSkipTlsVerify: true });
      assert.equal((await insecure.get(configMaps, 'x', { namespace: 'default' })).metadata.name, 'x');
      insecure.close();
    } finally {
      client.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ApiClient sends plain HTTP through a Unix socket with socketPath, keeping the token and one connection', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-client-sock-'));
  const socketPath = path.join(dir, 'api.sock');
  const seen: { url?: string; authorization?: string; host?: string }[] = [];
  const peers = new Set<unknown>();
  const server = createHttpServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization, host: req.headers.host });
    peers.add(req.socket);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(configMap('a', { k: '1' }, 'default')));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const client = new ApiClient({ baseUrl: 'http://localhost', socketPath, token: 'loopback-secret' });
  try {
    const first = await client.get(configMaps, 'a', { namespace: 'default' });
    const second = await client.get(configMaps, 'a', { namespace: 'default' });
    assert.deepEqual([first.data, second.data], [{ k: '1' }, { k: '1' }]);
    assert.deepEqual(seen.map((s) => s.url), ['/api/v1/namespaces/default/configmaps/a', '/api/v1/namespaces/default/configmaps/a']);
    assert.ok(seen.every((s) => s.authorization === 'Bearer loopback-secret' && s.host === 'localhost'));
    assert.equal(peers.size, 1, 'the kept-alive socket connection is reused');
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => new ApiClient({ baseUrl: 'https://localhost', socketPath }), /must be http:/);
});
