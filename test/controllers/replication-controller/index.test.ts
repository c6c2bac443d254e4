import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { replicationControllerController } from '../../../src/controllers/replication-controller/index.js';
import { eventually, list, r, startCluster } from '../fixtures.js';

test('replication-controller keeps spec.replicas pods for a map selector', async () => {
  const c = await startCluster([replicationControllerController]);
  try {
    const rc: KubeObject = await c.client.create<KubeObject>(r.replicationControllers, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy', namespace: 'default' },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const pods = await eventually(async () => {
      const ps = await list(c.client, r.pods);
      return ps.length === 2 ? ps : undefined;
    }, 5000, 'two pods');
    for (const p of pods) {
      assert.match(p.metadata.name!, /^legacy-/);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await c.client.patch(r.replicationControllers, 'legacy', { spec: { replicas: 0 } }, { type: 'merge', namespace: 'default' });
    await eventually(async () => (await list(c.client, r.pods)).length === 0, 5000, 'scaled to zero');
    await eventually(async () => {
      const s = (await c.client.get(r.replicationControllers, 'legacy', { namespace: 'default' })).status as { replicas: number; observedGeneration: number };
      return s.replicas === 0 && s.observedGeneration === 2;
    }, 5000, 'status');
  } finally {
    await c.close();
  }
});
