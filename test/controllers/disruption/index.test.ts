import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { disruptionController } from '../../../src/controllers/disruption/index.js';
import { replicaSetController } from '../../../src/controllers/replicaset/index.js';
import { barePod, eventually, list, markReady, r, replicaSet, startCluster } from '../fixtures.js';

type PdbStatus = {
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
  expectedPods: number;
  observedGeneration: number;
  conditions: { type: string; status: string; reason: string; message: string; observedGeneration: number }[];
};

function pdb(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec };
}

async function status(c: { client: import('../../../src/client/index.js').ApiClient }, name: string): Promise<PdbStatus | undefined> {
  return (await c.client.get(r.pdbs, name, { namespace: 'default' })).status as PdbStatus | undefined;
}

test('PDB status: a percentage counts against the controller\'s scale; eviction obeys disruptionsAllowed', async () => {
  const c = await startCluster([replicaSetController, disruptionController]);
  try {
    await c.client.create(r.replicaSets, replicaSet('web', 4));
    const pods = await eventually(async () => {
      const ps = await list(c.client, r.pods);
      return ps.length === 4 ? ps : undefined;
    }, 5000, 'pods');
    await c.client.create(r.pdbs, pdb('web', { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } }));
    for (const [i, p] of pods.slice(0, 3).entries()) await markReady(c.client, p, `10.0.0.${i + 1}`);
    const s = await eventually(async () => {
      const st = await status(c, 'web');
      return st?.currentHealthy === 3 ? st : undefined;
    }, 5000, 'three healthy');
    assert.deepEqual([s.desiredHealthy, s.expectedPods, s.disruptionsAllowed, s.observedGeneration], [2, 4, 1, 1]);
    const cond = s.conditions.find((x) => x.type === 'DisruptionAllowed')!;
    assert.deepEqual([cond.status, cond.reason, cond.message, cond.observedGeneration], ['True', 'SufficientPods', '', 1]);

    // Evicting one ready pod is allowed; then none is left to spare.
    const evict = (name: string) =>
      c.client.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });
    await evict(pods[0].metadata.name!);
    const after = await eventually(async () => {
      const st = await status(c, 'web');
      return st?.disruptionsAllowed === 0 ? st : undefined;
    }, 5000, 'no disruptions left');
    assert.equal(after.conditions.find((x) => x.type === 'DisruptionAllowed')!.reason, 'InsufficientPods');
    await assert.rejects(evict(pods[1].metadata.name!), /disruption budget/);
  } finally {
    await c.close();
  }
});

test('PDB status: an integer minAvailable counts selected pods; maxUnavailable subtracts from the scale', async () => {
  const c = await startCluster([replicaSetController, disruptionController]);
  try {
    const a = await c.client.create(r.pods, barePod('a', { app: 'solo' }));
    const b = await c.client.create(r.pods, barePod('b', { app: 'solo' }));
    await markReady(c.client, a, '10.0.0.1');
    await markReady(c.client, b, '10.0.0.2');
    await c.client.create(r.pdbs, pdb('solo', { minAvailable: 3, selector: { matchLabels: { app: 'solo' } } }));
    const s = await eventually(async () => {
      const st = await status(c, 'solo');
      return st?.currentHealthy === 2 ? st : undefined;
    }, 5000, 'solo status');
    assert.deepEqual([s.desiredHealthy, s.expectedPods, s.disruptionsAllowed], [3, 2, 0]);

    await c.client.create(r.replicaSets, replicaSet('db', 3));
    const pods = await eventually(async () => {
      const ps = await list(c.client, r.pods, 'default', 'app=db');
      return ps.length === 3 ? ps : undefined;
    }, 5000, 'db pods');
    for (const [i, p] of pods.entries()) await markReady(c.client, p, `10.0.1.${i + 1}`);
    await c.client.create(r.pdbs, pdb('db', { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } }));
    const d = await eventually(async () => {
      const st = await status(c, 'db');
      return st?.currentHealthy === 3 ? st : undefined;
    }, 5000, 'db status');
    assert.deepEqual([d.desiredHealthy, d.expectedPods, d.disruptionsAllowed], [2, 3, 1]);

    // Unmanaged pods and a percentage: the expected count cannot be worked out, so nothing may be disrupted.
    await c.client.create(r.pdbs, pdb('pct', { maxUnavailable: '50%', selector: { matchLabels: { app: 'solo' } } }));
    const p = await eventually(async () => {
      const st = await status(c, 'pct');
      return st?.conditions?.length ? st : undefined;
    }, 5000, 'pct status');
    assert.equal(p.disruptionsAllowed, 0);
  } finally {
    await c.close();
  }
});
