import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { auditEvents, kubectlOk, startCluster, tempDataDir, waitForReadyNodes, wharfArgs, type AuditEvent, type RunningCluster } from './harness.js';

/** The scheduler's bindings of pods in `namespace`, as the audit log recorded them when they completed. */
function bindings(cluster: RunningCluster, namespace: string): AuditEvent[] {
  return auditEvents(cluster).filter((e) => e.stage === 'ResponseComplete' && e.objectRef?.subresource === 'binding' && e.objectRef.namespace === namespace);
}

/** A plain-HTTP GET through a Unix socket, with an optional bearer token. */
function getOverSocket(socketPath: string, urlPath: string, token?: string): Promise<{ status: number; body: { reason?: string; kind?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: urlPath, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { reason?: string } }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs one pod through a Deployment and waits until it is available, so the scheduler and a node have both written. */
async function runOnePod(cluster: RunningCluster, namespace: string): Promise<void> {
  const k = kubectlOk(cluster);
  await waitForReadyNodes(cluster, 1);
  await k('create', 'namespace', namespace);
  await k('-n', namespace, 'create', 'deployment', 'web', '--image=registry.local/web:1', '--replicas=1');
  await k('-n', namespace, 'rollout', 'status', 'deployment/web', '--timeout=30s');
}

describe('wharf up: its own components reach the API server through a local socket', () => {
  const data = tempDataDir();
  const socketPath = path.join(data.dir, 'apiserver.sock');
  let cluster: RunningCluster;

  before(async () => {
    // A socket file left behind by a process that died must not stop the next start.
    writeFileSync(socketPath, 'left over');
    cluster = await startCluster(data.dir);
  });
  after(async () => {
    await cluster?.stop();
    data.cleanup();
  });

  test('the socket is in the data directory, and only its owner may open it', () => {
    const st = statSync(socketPath);
    assert.ok(st.isSocket(), 'apiserver.sock is a socket (the stale file was replaced)');
    assert.equal(st.mode & 0o777, 0o600);
  });

  test('the scheduler and the node write through it under their own names, while kubectl comes over TCP', async () => {
    await runOnePod(cluster, 'local-socket');
    const bound = bindings(cluster, 'local-socket');
    assert.ok(bound.length >= 1, 'the pod was bound');
    for (const e of bound) {
      assert.equal(e.user.username, 'system:kube-scheduler');
      assert.equal(e.responseStatus?.code, 201);
      // A Unix socket has no peer address: the audit event has none.
      assert.equal(e.sourceIPs, undefined, 'the binding came through the local socket');
    }
    const nodeStatus = auditEvents(cluster).filter((e) => e.stage === 'ResponseComplete' && e.objectRef?.resource === 'pods' && e.objectRef.subresource === 'status' && e.objectRef.namespace === 'local-socket');
    assert.ok(nodeStatus.length >= 1, 'the node wrote the pod status');
    for (const e of nodeStatus) {
      assert.match(e.user.username, /^system:node:/);
      assert.equal(e.sourceIPs, undefined);
    }
    const kubectlCreate = auditEvents(cluster).find((e) => e.stage === 'ResponseComplete' && e.verb === 'create' && e.objectRef?.resource === 'deployments' && e.objectRef.namespace === 'local-socket');
    assert.deepEqual(kubectlCreate?.sourceIPs, ['127.0.0.1']);
  });

  test('a request without a loopback token is anonymous there, and a made-up token is refused', async () => {
    const anonymous = await getOverSocket(socketPath, '/api/v1/namespaces/default/pods');
    assert.equal(anonymous.status, 403);
    assert.equal(anonymous.body.reason, 'Forbidden');
    const forged = await getOverSocket(socketPath, '/api/v1/namespaces/default/pods', 'not-a-token-the-server-gave');
    assert.equal(forged.status, 401);
    const health = await getOverSocket(socketPath, '/version');
    assert.equal(health.status, 200);
  });

  test('a second wharf up on the same data directory is refused and takes nothing from the first', async () => {
    const second = spawnSync(process.execPath, wharfArgs(['up', '--data-dir', data.dir, '--port', '0', '--nodes', '1']), { encoding: 'utf8', timeout: 30_000 });
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, /state\.db is in use by process \d+/);
    assert.doesNotMatch(second.stdout, /listening on/);
    // The first still owns its socket and its state.
    assert.ok(statSync(socketPath).isSocket());
    assert.equal((await getOverSocket(socketPath, '/version')).status, 200);
    await kubectlOk(cluster)('get', 'deployment', 'web', '-n', 'local-socket');
  });

  test('the socket is removed when wharf up stops', async () => {
    await cluster.stop();
    assert.equal(existsSync(socketPath), false);
  });
});

describe('wharf up: with a data directory too deep for a socket, its components use TCP and TLS', () => {
  const data = tempDataDir();
  // Unix socket paths end at 107 bytes; this data directory is longer than that.
  const deep = path.join(data.dir, 'a'.repeat(60), 'b'.repeat(60));
  let cluster: RunningCluster;

  before(async () => {
    mkdirSync(deep, { recursive: true });
    cluster = await startCluster(deep);
  });
  after(async () => {
    await cluster?.stop();
    data.cleanup();
  });

  test('no socket is made, and the scheduler binds over TCP', async () => {
    assert.equal(existsSync(path.join(deep, 'apiserver.sock')), false);
    await runOnePod(cluster, 'over-tcp');
    const bound = bindings(cluster, 'over-tcp');
    assert.ok(bound.length >= 1, 'the pod was bound');
    for (const e of bound) {
      assert.equal(e.user.username, 'system:kube-scheduler');
      assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
    }
  });
});
