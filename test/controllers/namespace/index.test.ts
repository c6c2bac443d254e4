import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentController } from '../../../src/controllers/deployment/index.js';
import { garbageCollectorController } from '../../../src/controllers/garbage-collector/index.js';
import { namespaceController } from '../../../src/controllers/namespace/index.js';
import { replicaSetController } from '../../../src/controllers/replicaset/index.js';
import { eventually, kubectl, list, r, startCluster } from '../fixtures.js';

type Cond = { type: string; status: string; reason: string; message: string };

test('kubectl delete ns finishes with everything in it gone', async () => {
  const c = await startCluster([replicaSetController, deploymentController, garbageCollectorController, namespaceController], { namespace: { maxRecheckMs: 200 } });
  try {
    await c.client.create(r.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await c.client.create(r.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await c.client.create(r.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'team' }, data: { a: 'b' } });
    await eventually(async () => (await list(c.client, r.pods, 'team')).length === 2, 10_000, 'pods');
    const out = await kubectl(c, ['delete', 'namespace', 'team', '--timeout=20s'], 30_000);
    assert.match(out, /namespace "team" deleted/);
    await assert.rejects(c.client.get(r.namespaces, 'team'), /not found/);
    assert.equal((await list(c.client, r.pods, 'team')).length, 0);
    assert.equal((await list(c.client, r.configMaps, 'team')).length, 0);
    assert.equal((await list(c.client, r.replicaSets, 'team')).length, 0);
  } finally {
    await c.close();
  }
});

test('a namespace waiting on finalizers says what remains, then finishes once they are removed', async () => {
  const c = await startCluster([namespaceController], { namespace: { maxRecheckMs: 200 } });
  try {
    await c.client.create(r.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' } });
    await c.client.create(r.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', namespace: 'held', finalizers: ['example.com/hold'] } });
    await c.client.create(r.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'free', namespace: 'held' } });
    await c.client.delete(r.namespaces, 'held');
    const conds = await eventually(async () => {
      const ns = await c.client.get(r.namespaces, 'held');
      const cs = (ns.status as { conditions?: Cond[] } | undefined)?.conditions;
      return cs?.find((x) => x.type === 'NamespaceContentRemaining' && x.status === 'True') ? cs : undefined;
    }, 10_000, 'conditions');
    const by = Object.fromEntries(conds.map((x) => [x.type, x]));
    assert.equal(by.NamespaceContentRemaining.reason, 'SomeResourcesRemain');
    assert.equal(by.NamespaceContentRemaining.message, 'Some resources are remaining: configmaps. has 1 resource instances');
    assert.equal(by.NamespaceFinalizersRemaining.reason, 'SomeFinalizersRemain');
    assert.equal(by.NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    assert.deepEqual([by.NamespaceDeletionDiscoveryFailure.status, by.NamespaceDeletionDiscoveryFailure.reason], ['False', 'ResourcesDiscovered']);
    assert.deepEqual([by.NamespaceDeletionContentFailure.status, by.NamespaceDeletionContentFailure.reason], ['False', 'ContentDeleted']);
    assert.equal((await list(c.client, r.configMaps, 'held')).length, 1);
    await c.client.patch(r.configMaps, 'pinned', { metadata: { finalizers: null } }, { type: 'merge', namespace: 'held' });
    await eventually(async () => c.client.get(r.namespaces, 'held').then(() => false, () => true), 10_000, 'namespace gone');
  } finally {
    await c.close();
  }
});
