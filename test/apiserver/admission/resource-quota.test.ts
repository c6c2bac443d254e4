import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, eventually, podBody, startAdmissionServer, type AdmissionServer } from './harness.js';

async function quota(s: AdmissionServer, ns: string, name: string, hard: Record<string, string>, extra: Record<string, unknown> = {}): Promise<void> {
  const r = await s.call('POST', `/api/v1/namespaces/${ns}/resourcequotas`, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, ...extra } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

function configMap(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } };
}

test('a pod over the pods quota is refused with 403 and the quota status follows usage', async () => {
  const s = await startAdmissionServer();
  try {
    await createNamespace(s, 'q');
    await quota(s, 'q', 'compute', { pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi' });
    await eventually(async () => {
      const r = await s.call('GET', '/api/v1/namespaces/q/resourcequotas/compute');
      assert.deepEqual(r.body.status, { hard: { 'limits.memory': '1Gi', pods: '2', 'requests.cpu': '1' }, used: { 'limits.memory': '0', pods: '0', 'requests.cpu': '0' } });
    });
    const resources = { requests: { cpu: '400m' }, limits: { memory: '256Mi' } };
    for (const name of ['a', 'b']) {
      const r = await s.call('POST', '/api/v1/namespaces/q/pods', podBody(name, { containers: [{ name: 'c', image: 'busybox', resources }] }));
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const status = (await s.call('GET', '/api/v1/namespaces/q/resourcequotas/compute')).body.status;
    assert.deepEqual(status.used, { 'limits.memory': '512Mi', pods: '2', 'requests.cpu': '800m' });

    const third = await s.call('POST', '/api/v1/namespaces/q/pods', podBody('c', { containers: [{ name: 'c', image: 'busybox', resources }] }));
    assert.equal(third.status, 403);
    assert.equal(third.body.reason, 'Forbidden');
    assert.equal(
      third.body.message,
      'pods "c" is forbidden: exceeded quota: compute, requested: pods=1,requests.cpu=400m, used: pods=2,requests.cpu=800m, limited: pods=2,requests.cpu=1',
    );
    assert.equal((await s.call('GET', '/api/v1/namespaces/q/pods/c')).status, 404);

    // Deleting a pod frees its share once the delete has landed.
    const pod = (await s.call('GET', '/api/v1/namespaces/q/pods/a')).body;
    await s.admission.admitDelete(s.server.registry.lookup('', 'v1', 'pods')!, pod);
    assert.equal((await s.call('DELETE', '/api/v1/namespaces/q/pods/a?gracePeriodSeconds=0')).status, 200);
    await s.admission.resyncQuotas('q');
    const after = (await s.call('GET', '/api/v1/namespaces/q/resourcequotas/compute')).body.status;
    assert.deepEqual(after.used, { 'limits.memory': '256Mi', pods: '1', 'requests.cpu': '400m' });
  } finally {
    await s.close();
  }
});

test('a cpu or memory quota requires every container to state it', async () => {
  const s = await startAdmissionServer();
  try {
    await quota(s, 'default', 'cpu', { 'requests.cpu': '2', 'limits.memory': '2Gi' });
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x', resources: { requests: { cpu: '1' } } }] }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "p" is forbidden: failed quota: cpu: must specify limits.memory for: a,b; requests.cpu for: a');
  } finally {
    await s.close();
  }
});

test('concurrent creates never take a namespace past its quota', async () => {
  const s = await startAdmissionServer();
  try {
    await quota(s, 'default', 'objects', { 'count/configmaps': '5', configmaps: '10' });
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => s.call('POST', '/api/v1/namespaces/default/configmaps', configMap(`cm-${i}`))));
    const created = replies.filter((r) => r.status === 201).length;
    const refused = replies.filter((r) => r.status === 403);
    assert.equal(created, 5);
    assert.equal(refused.length, 7);
    assert.equal(refused[0].body.message.replace(/"cm-\d+"/, '"x"'), 'configmaps "x" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=5, limited: count/configmaps=5');
    const list = await s.call('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(list.body.items.length, 5);
    const status = (await s.call('GET', '/api/v1/namespaces/default/resourcequotas/objects')).body.status;
    assert.deepEqual(status.used, { configmaps: '5', 'count/configmaps': '5' });
  } finally {
    await s.close();
  }
});

test('services count node ports and load balancers; claims count storage; secrets use the legacy name', async () => {
  const s = await startAdmissionServer();
  try {
    await quota(s, 'default', 'mixed', { 'services.nodeports': '1', 'requests.storage': '5Gi', secrets: '1', 'count/services': '10' });
    const svc = (name: string, type: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type, ports: [{ port: 80 }] } });
    assert.equal((await s.call('POST', '/api/v1/namespaces/default/services', svc('np', 'NodePort'))).status, 201);
    const second = await s.call('POST', '/api/v1/namespaces/default/services', svc('np2', 'NodePort'));
    assert.equal(second.status, 403);
    assert.equal(second.body.message, 'services "np2" is forbidden: exceeded quota: mixed, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1');
    assert.equal((await s.call('POST', '/api/v1/namespaces/default/services', svc('cip', 'ClusterIP'))).status, 201);

    const claim = (name: string, storage: string) => ({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    });
    assert.equal((await s.call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('a', '3Gi'))).status, 201);
    const b = await s.call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', claim('b', '3Gi'));
    assert.equal(b.status, 403);
    assert.match(b.body.message, /exceeded quota: mixed, requested: requests\.storage=3Gi, used: requests\.storage=3Gi, limited: requests\.storage=5Gi$/);

    const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { a: 'b' } });
    assert.equal((await s.call('POST', '/api/v1/namespaces/default/secrets', secret('one'))).status, 201);
    assert.equal((await s.call('POST', '/api/v1/namespaces/default/secrets', secret('two'))).status, 403);
    const status = (await s.call('GET', '/api/v1/namespaces/default/resourcequotas/mixed')).body.status;
    assert.deepEqual(status.used, { 'count/services': '3', 'requests.storage': '3Gi', secrets: '1', 'services.nodeports': '1' });
  } finally {
    await s.close();
  }
});

test('scoped quotas count only the pods in their scope', async () => {
  const s = await startAdmissionServer();
  try {
    await quota(s, 'default', 'best-effort', { pods: '1' }, { scopes: ['BestEffort'] });
    assert.equal((await s.call('POST', '/api/v1/namespaces/default/pods', podBody('be1'))).status, 201);
    const be2 = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('be2'));
    assert.equal(be2.status, 403);
    const sized = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('sized', { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] }));
    assert.equal(sized.status, 201, JSON.stringify(sized.body));
  } finally {
    await s.close();
  }
});
