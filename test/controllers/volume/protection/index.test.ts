import assert from 'node:assert/strict';
import { test } from 'node:test';
import { persistentVolumeBinderController } from '../../../../src/controllers/volume/binder/index.js';
import { pvcProtectionController, pvProtectionController } from '../../../../src/controllers/volume/protection/index.js';
import { eventually, startCluster } from '../../fixtures.js';
import { claim, claimInPhase, fastSettings, getClaim, getVolume, podUsing, res, volume, volumeInPhase } from '../fixtures.js';

const all = [persistentVolumeBinderController, pvcProtectionController, pvProtectionController];

test('pvc-protection keeps a deleted claim while a scheduled pod uses it, and lets it go with the pod', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.volumes, volume('pv-used', '1Gi'));
    const created = await c.client.create(res.claims, claim('used', '1Gi'));
    assert.deepEqual(created.metadata.finalizers, ['kubernetes.io/pvc-protection'], 'admission adds the finalizer at creation');
    await claimInPhase(c.client, 'used', 'Bound');
    await c.client.create(res.pods, podUsing('user', 'used', 'node-1'));
    await c.client.delete(res.claims, 'used', { namespace: 'default' });
    await new Promise((r) => setTimeout(r, 700));
    const terminating = await getClaim(c.client, 'used');
    assert.ok(terminating?.metadata.deletionTimestamp, 'the claim is Terminating');
    assert.deepEqual(terminating?.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal(terminating?.status?.phase, 'Bound');
    await c.client.delete(res.pods, 'user', { namespace: 'default', gracePeriodSeconds: 0 });
    await eventually(async () => (await getClaim(c.client, 'used')) === undefined, 10_000, 'claim gone after its pod');
    await volumeInPhase(c.client, 'pv-used', 'Released');
  } finally {
    await c.close();
  }
});

test('pvc-protection does not wait for pods that finished or were never scheduled', async () => {
  const c = await startCluster([pvcProtectionController], fastSettings);
  try {
    await c.client.create(res.claims, claim('idle', '1Gi', { cls: '' }));
    await c.client.create(res.pods, podUsing('done', 'idle', 'node-1'));
    await c.client.patch(res.pods, 'done', { status: { phase: 'Succeeded' } }, { type: 'merge', namespace: 'default', subresource: 'status' });
    await c.client.create(res.pods, podUsing('unscheduled', 'idle'));
    await c.client.delete(res.claims, 'idle', { namespace: 'default' });
    await eventually(async () => (await getClaim(c.client, 'idle')) === undefined, 10_000, 'claim gone');
  } finally {
    await c.close();
  }
});

test('pvc-protection and pv-protection put the finalizers back on objects that lack them', async () => {
  const c = await startCluster([pvcProtectionController, pvProtectionController], fastSettings);
  try {
    await c.client.create(res.claims, claim('bare', '1Gi', { cls: '' }));
    await c.client.create(res.volumes, volume('pv-bare', '1Gi'));
    await c.client.patch(res.claims, 'bare', { metadata: { finalizers: null } }, { type: 'merge', namespace: 'default' });
    await c.client.patch(res.volumes, 'pv-bare', { metadata: { finalizers: null } }, { type: 'merge' });
    await eventually(async () => (await getClaim(c.client, 'bare'))?.metadata.finalizers?.includes('kubernetes.io/pvc-protection'), 10_000, 'claim finalizer');
    await eventually(async () => (await getVolume(c.client, 'pv-bare'))?.metadata.finalizers?.includes('kubernetes.io/pv-protection'), 10_000, 'volume finalizer');
  } finally {
    await c.close();
  }
});

test('pv-protection keeps a deleted volume while it is Bound and lets it go once released', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.volumes, volume('pv-held', '1Gi', { cls: 'manual' }));
    await c.client.create(res.volumes, volume('pv-free', '1Gi', { cls: 'unused' }));
    await c.client.create(res.claims, claim('holder', '1Gi', { cls: 'manual' }));
    await claimInPhase(c.client, 'holder', 'Bound');
    await volumeInPhase(c.client, 'pv-free', 'Available');
    // An unbound volume goes at once.
    await c.client.delete(res.volumes, 'pv-free');
    await eventually(async () => (await getVolume(c.client, 'pv-free')) === undefined, 10_000, 'free volume gone');
    // A bound one waits for its claim.
    await c.client.delete(res.volumes, 'pv-held');
    await new Promise((r) => setTimeout(r, 700));
    const held = await getVolume(c.client, 'pv-held');
    assert.ok(held?.metadata.deletionTimestamp, 'the volume is Terminating');
    assert.equal(held?.status?.phase, 'Bound');
    assert.equal((await getClaim(c.client, 'holder'))?.status?.phase, 'Bound');
    await c.client.delete(res.claims, 'holder', { namespace: 'default' });
    await eventually(async () => (await getVolume(c.client, 'pv-held')) === undefined, 10_000, 'held volume gone after its claim');
  } finally {
    await c.close();
  }
});
