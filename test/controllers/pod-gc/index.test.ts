import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodes, pods, eventually, startApi } from '../../client/fixtures.js';
import { podGc } from '../../../src/controllers/pod-gc/index.js';
import { bind, createBound, getPod, isGone, simPod } from '../../node/fixtures.js';
import { runControllers } from '../node-lifecycle/fixtures.js';

const fast = { 'pod-gc': { gcPeriodMs: 100, quarantineMs: 400, terminatedPodThreshold: 2 } };

async function createNode(client: Parameters<typeof bind>[0], name: string, ready: 'True' | 'Unknown'): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await client.create(nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready, reason: 'Test', message: '', lastHeartbeatTime: now, lastTransitionTime: now }] } });
}

test('pod-gc deletes pods bound to a node that no longer exists, after the quarantine', async () => {
  const api = await startApi();
  await createNode(api.client, 'doomed', 'True');
  await createBound(api.client, simPod('orphan'), 'doomed');
  await createBound(api.client, simPod('ghostly'), 'never-existed');
  const ctl = runControllers(api.client, [podGc], fast);
  try {
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(await isGone(api.client, 'ghostly'), false, 'still in quarantine');
    await eventually(() => isGone(api.client, 'ghostly'), 3000, 'pod of a missing node deleted');
    // The pod of a node that exists stays; once the node is deleted it goes too.
    assert.equal(await isGone(api.client, 'orphan'), false);
    await api.client.delete(nodes, 'doomed');
    await eventually(() => isGone(api.client, 'orphan'), 3000, 'pod of a deleted node deleted');
  } finally {
    await ctl.stop();
    await api.close();
  }
});

test('pod-gc keeps at most the threshold of terminated pods, deleting the oldest first', async () => {
  const api = await startApi();
  for (const name of ['t1', 't2', 't3', 't4']) {
    await api.client.create(pods, simPod(name));
    await api.client.patch(pods, name, { status: { phase: 'Succeeded' } }, { type: 'merge', namespace: 'default', subresource: 'status' });
  }
  await api.client.create(pods, simPod('running'));
  const ctl = runControllers(api.client, [podGc], fast);
  try {
    await eventually(async () => (await api.client.list(pods, { namespace: 'default' })).items.length === 3, 3000, 'two deleted');
    assert.deepEqual((await api.client.list(pods, { namespace: 'default' })).items.map((p) => p.metadata.name).sort(), ['running', 't3', 't4']);
  } finally {
    await ctl.stop();
    await api.close();
  }
});

test('pod-gc force-deletes terminating pods of an unreachable node once their grace period is over', async () => {
  const api = await startApi();
  await createNode(api.client, 'gone-dark', 'Unknown');
  await createNode(api.client, 'fine', 'True');
  await createBound(api.client, simPod('stuck', { terminationGracePeriodSeconds: 2 }), 'gone-dark');
  await createBound(api.client, simPod('waiting', { terminationGracePeriodSeconds: 1 }), 'fine');
  const ctl = runControllers(api.client, [podGc], fast);
  try {
    await api.client.delete(pods, 'stuck', { namespace: 'default' });
    await api.client.delete(pods, 'waiting', { namespace: 'default' });
    const t0 = Date.now();
    assert.ok((await getPod(api.client, 'stuck')).metadata.deletionTimestamp);
    await eventually(() => isGone(api.client, 'stuck'), 5000, 'force-deleted');
    // deletionTimestamp has whole seconds, so the 2 s grace period may end up to a second early.
    assert.ok(Date.now() - t0 >= 1000, 'not before the grace period ends');
    // A Ready node's agent confirms its own pods; pod-gc leaves them.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await isGone(api.client, 'waiting'), false);
  } finally {
    await ctl.stop();
    await api.close();
  }
});
