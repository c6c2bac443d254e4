import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiServer } from '../../src/apiserver/server.js';
import { MemoryStore } from '../../src/storage/index.js';

const admin = { authenticate: async () => ({ username: 'admin', groups: ['system:masters', 'system:authenticated'] }) };

async function nodeBindingAfterStart(store: MemoryStore, nodeAuthorization: boolean): Promise<{ subjects?: unknown; metadata: { annotations?: Record<string, string> } }> {
  const server = new ApiServer({ store, rbac: true, nodeAuthorization, authenticator: admin, compactionIntervalMs: 0 });
  const port = await server.listen(0);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:node`);
    return (await res.json()) as { subjects?: unknown; metadata: { annotations?: Record<string, string> } };
  } finally {
    await server.close();
  }
}

const nodesGroup = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }];

test('RbacWiring.start() matches the system:node binding to the authorization mode while it is auto-updated', async () => {
  const store = new MemoryStore();
  assert.equal((await nodeBindingAfterStart(store, true)).subjects, undefined);
  assert.deepEqual((await nodeBindingAfterStart(store, false)).subjects, nodesGroup, 'RBAC alone gives nodes their role');
  assert.equal((await nodeBindingAfterStart(store, true)).subjects, undefined, 'Node,RBAC takes the group off again');

  // An administrator who turns auto-update off keeps the binding as they made it.
  const server = new ApiServer({ store, rbac: true, authenticator: admin, compactionIntervalMs: 0 });
  const port = await server.listen(0);
  const url = `http://127.0.0.1:${port}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:node`;
  const patched = await fetch(url, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ metadata: { annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } } }),
  });
  assert.equal(patched.status, 200);
  await server.close();
  const kept = await nodeBindingAfterStart(store, true);
  assert.deepEqual(kept.subjects, nodesGroup);
  assert.equal(kept.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'false');
});
