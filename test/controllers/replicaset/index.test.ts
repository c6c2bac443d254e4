import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { replicaSetController } from '../../../src/controllers/replicaset/index.js';
import { barePod, eventually, list, markReady, r, replicaSet, startCluster } from '../fixtures.js';

type Status = { replicas?: number; readyReplicas?: number; availableReplicas?: number; fullyLabeledReplicas?: number; observedGeneration?: number };

test('replicaset controller scales up and down, owning its pods', async () => {
  const c = await startCluster([replicaSetController]);
  try {
    const rs = await c.client.create(r.replicaSets, replicaSet('web', 3));
    const pods = await eventually(async () => {
      const ps = await list(c.client, r.pods);
      return ps.length === 3 ? ps : undefined;
    }, 10_000, '3 pods');
    for (const p of pods) {
      assert.match(p.metadata.name!, /^web-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata.labels, { app: 'web' });
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await eventually(async () => ((await c.client.get(r.replicaSets, 'web', { namespace: 'default' })).status as Status)?.replicas === 3, 5000, 'status.replicas=3');
    // Ready pods: two of them; status follows.
    await markReady(c.client, pods[0], '10.0.0.1');
    await markReady(c.client, pods[1], '10.0.0.2');
    const st = await eventually(async () => {
      const s = (await c.client.get(r.replicaSets, 'web', { namespace: 'default' })).status as Status;
      return s?.readyReplicas === 2 ? s : undefined;
    }, 5000, 'readyReplicas=2');
    assert.equal(st.availableReplicas, 2);
    assert.equal(st.fullyLabeledReplicas, 3);
    assert.equal(st.observedGeneration, 1);

    // Scale down to 1: the not-ready pod goes first, then a ready one.
    const cur = await c.client.get(r.replicaSets, 'web', { namespace: 'default' });
    (cur.spec as { replicas: number }).replicas = 1;
    await c.client.update(r.replicaSets, cur);
    const left = await eventually(async () => {
      const ps = await list(c.client, r.pods);
      return ps.length === 1 ? ps : undefined;
    }, 5000, '1 pod');
    assert.ok([pods[0].metadata.name, pods[1].metadata.name].includes(left[0].metadata.name), 'a ready pod survives');
    await eventually(async () => {
      const s = (await c.client.get(r.replicaSets, 'web', { namespace: 'default' })).status as Status;
      return s?.replicas === 1 && s.observedGeneration === 2;
    }, 5000, 'status after scale-down');
  } finally {
    await c.close();
  }
});

test('replicaset controller adopts matching orphans and releases pods that stop matching', async () => {
  const c = await startCluster([replicaSetController]);
  try {
    await c.client.create(r.pods, barePod('orphan-1', { app: 'db' }));
    await c.client.create(r.pods, barePod('orphan-2', { app: 'db' }));
    await c.client.create(r.pods, barePod('other', { app: 'other' }));
    const rs = await c.client.create(r.replicaSets, replicaSet('db', 2));
    await eventually(async () => {
      const ps = await list(c.client, r.pods, 'default', 'app=db');
      return ps.length === 2 && ps.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
    }, 5000, 'orphans adopted');
    // No extra pods were created: the two orphans satisfy replicas.
    await new Promise((res) => setTimeout(res, 300));
    assert.equal((await list(c.client, r.pods, 'default', 'app=db')).length, 2);
    const other = await c.client.get(r.pods, 'other', { namespace: 'default' });
    assert.equal(other.metadata.ownerReferences, undefined);

    // Relabel one: it is released and a replacement is created.
    const p = await c.client.get(r.pods, 'orphan-1', { namespace: 'default' });
    p.metadata.labels = { app: 'debug' };
    await c.client.update(r.pods, p);
    await eventually(async () => (await c.client.get(r.pods, 'orphan-1', { namespace: 'default' })).metadata.ownerReferences === undefined, 5000, 'released');
    await eventually(async () => (await list(c.client, r.pods, 'default', 'app=db')).length === 2, 5000, 'replacement');
  } finally {
    await c.close();
  }
});

test('replicaset controller creates a burst once, without duplicates', async () => {
  const c = await startCluster([replicaSetController]);
  try {
    await c.client.create(r.replicaSets, replicaSet('burst', 20));
    await eventually(async () => (await list(c.client, r.pods)).length === 20, 10_000, '20 pods');
    await new Promise((res) => setTimeout(res, 500));
    assert.equal((await list(c.client, r.pods)).length, 20);
    const events = await list(c.client, r.events);
    const creates = events.filter((e: KubeObject) => e.reason === 'SuccessfulCreate');
    assert.ok(creates.length > 0, 'SuccessfulCreate events recorded');
  } finally {
    await c.close();
  }
});

test('replicaset controller reports ReplicaFailure when pods cannot be created, and clears it', async () => {
  const c = await startCluster([replicaSetController]);
  try {
    const quota = await c.client.create(r.quotas, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec: { hard: { pods: '1' } } });
    await c.client.create(r.replicaSets, replicaSet('capped', 3));
    const cond = await eventually(async () => {
      const s = (await c.client.get(r.replicaSets, 'capped', { namespace: 'default' })).status as { conditions?: { type: string; reason: string; status: string; message: string }[] };
      return s?.conditions?.find((x) => x.type === 'ReplicaFailure');
    }, 10_000, 'ReplicaFailure');
    assert.equal(cond.reason, 'FailedCreate');
    assert.equal(cond.status, 'True');
    assert.match(cond.message, /exceeded quota/);
    assert.ok((await list(c.client, r.pods)).length <= 1);
    const events = await list(c.client, r.events);
    assert.ok(events.some((e) => e.reason === 'FailedCreate'));
    await c.client.delete(r.quotas, quota.metadata.name!, { namespace: 'default' });
    await eventually(async () => {
      const rs = await c.client.get(r.replicaSets, 'capped', { namespace: 'default' });
      const s = rs.status as { replicas?: number; conditions?: unknown[] };
      return s?.replicas === 3 && !s.conditions;
    }, 15_000, 'condition cleared once pods exist');
  } finally {
    await c.close();
  }
});
