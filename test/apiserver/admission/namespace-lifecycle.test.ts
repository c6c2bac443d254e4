import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceRegistry, StatusError } from '../../../src/api/index.js';
import { admitDelete } from '../../../src/apiserver/admission.js';
import { NamespaceLifecycle } from '../../../src/apiserver/admission/namespace-lifecycle.js';
import { createNamespace, startAdmissionServer } from './harness.js';

const registry = new ResourceRegistry();
const namespaces = registry.lookup('', 'v1', 'namespaces')!;
const configMaps = registry.lookup('', 'v1', 'configmaps')!;

for (const name of ['default', 'kube-system', 'kube-public']) {
  test(`admitDelete() refuses deleting the ${name} namespace with 403`, async () => {
    await assert.rejects(admitDelete(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }), (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 403);
      assert.equal(e.reason, 'Forbidden');
      assert.equal(e.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
      return true;
    });
  });
}

test('admitDelete() lets other namespaces and other kinds named default go', async () => {
  await admitDelete(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
  await admitDelete(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  await admitDelete(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'default', namespace: 'default' } });
});

test('NamespaceLifecycle.admit() answers 404 for a create in a missing namespace and 403 in a terminating one', async () => {
  const lifecycle = new NamespaceLifecycle(async (name) =>
    name === 'ending' ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name, deletionTimestamp: '2026-01-01T00:00:00Z' } } : undefined,
  );
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'gone' } };
  await assert.rejects(lifecycle.admit({ def: configMaps, operation: 'CREATE', obj, namespace: 'gone', name: 'c' }), /namespaces "gone" not found/);
  await assert.rejects(
    lifecycle.admit({ def: configMaps, operation: 'CREATE', obj, namespace: 'ending', name: 'c' }),
    /^StatusError: configmaps "c" is forbidden: unable to create new content in namespace ending because it is being terminated$|configmaps "c" is forbidden: unable to create new content in namespace ending because it is being terminated/,
  );
});

test('Admission.admitDelete() keeps the system namespaces and lets others be deleted over HTTP', async () => {
  const s = await startAdmissionServer();
  try {
    await createNamespace(s, 'team');
    const ns = await s.call('GET', '/api/v1/namespaces/default');
    await assert.rejects(s.admission.admitDelete(namespaces, ns.body), /this namespace may not be deleted/);
    const team = await s.call('GET', '/api/v1/namespaces/team');
    assert.deepEqual(await s.admission.admitDelete(namespaces, team.body), { warnings: [], auditAnnotations: {} });
  } finally {
    await s.close();
  }
});
