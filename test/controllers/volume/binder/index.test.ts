import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflict, notFound } from '../../../../src/api/index.js';
import { persistentVolumeBinderController, requeueOnConflict } from '../../../../src/controllers/volume/binder/index.js';
import { pvcProtectionController, pvProtectionController } from '../../../../src/controllers/volume/protection/index.js';
import { eventually, startCluster } from '../../fixtures.js';
import { claim, claimInPhase, eventFor, fastSettings, getClaim, getVolume, res, storageClass, volume, volumeInPhase } from '../fixtures.js';

const all = [persistentVolumeBinderController, pvcProtectionController, pvProtectionController];

test('persistentvolume-binder binds a claim to the smallest matching volume, both ways, with the annotations', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.volumes, volume('pv-big', '10Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }));
    await c.client.create(res.volumes, volume('pv-fit', '2Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }));
    await c.client.create(res.volumes, volume('pv-tiny', '100Mi'));
    await volumeInPhase(c.client, 'pv-tiny', 'Available');
    await c.client.create(res.claims, claim('data', '1Gi'));
    const bound = await claimInPhase(c.client, 'data', 'Bound');
    assert.equal(bound.spec.volumeName, 'pv-fit');
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(bound.status?.capacity, { storage: '2Gi' });
    assert.deepEqual(bound.status?.accessModes, ['ReadWriteOnce', 'ReadOnlyMany']);
    const pv = await volumeInPhase(c.client, 'pv-fit', 'Bound');
    assert.equal(pv.spec.claimRef?.name, 'data');
    assert.equal(pv.spec.claimRef?.namespace, 'default');
    assert.equal(pv.spec.claimRef?.uid, bound.metadata.uid);
    assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal((await getVolume(c.client, 'pv-big'))?.status?.phase, 'Available');
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder honours a volume pre-bound to a claim and a claim pre-bound to a volume', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    // The volume names its claim: it wins over a smaller free volume, and keeps no bound-by-controller mark.
    await c.client.create(res.volumes, volume('pv-free', '1Gi'));
    await c.client.create(res.volumes, volume('pv-reserved', '5Gi', { claimRef: { namespace: 'default', name: 'wants-reserved' } }));
    await volumeInPhase(c.client, 'pv-reserved', 'Available');
    await c.client.create(res.claims, claim('wants-reserved', '1Gi'));
    const a = await claimInPhase(c.client, 'wants-reserved', 'Bound');
    assert.equal(a.spec.volumeName, 'pv-reserved');
    const reserved = await volumeInPhase(c.client, 'pv-reserved', 'Bound');
    assert.equal(reserved.spec.claimRef?.uid, a.metadata.uid);
    assert.equal(reserved.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    assert.equal(a.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');

    // The claim names a volume that does not exist yet: Pending until it appears.
    await c.client.create(res.claims, claim('wants-later', '1Gi', { volumeName: 'pv-later' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await getClaim(c.client, 'wants-later'))?.status?.phase, 'Pending');
    await c.client.create(res.volumes, volume('pv-later', '3Gi'));
    const b = await claimInPhase(c.client, 'wants-later', 'Bound');
    assert.equal(b.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(b.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined, 'the user made this link');
    const later = await volumeInPhase(c.client, 'pv-later', 'Bound');
    assert.equal(later.spec.claimRef?.uid, b.metadata.uid);
    assert.equal(later.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.equal((await getVolume(c.client, 'pv-free'))?.status?.phase, 'Available');

    // A claim asking for a volume that does not fit stays Pending and says why.
    await c.client.create(res.volumes, volume('pv-small', '1Gi'));
    await c.client.create(res.claims, claim('wants-small', '2Gi', { volumeName: 'pv-small' }));
    const mismatch = await eventFor(c.client, 'wants-small', 'VolumeMismatch');
    assert.equal(mismatch.message, 'Cannot bind to requested volume "pv-small": requested PV is too small');
    assert.equal((await getClaim(c.client, 'wants-small'))?.status?.phase, 'Pending');
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder leaves a claim with no match and no class Pending with a FailedBinding event', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.volumes, volume('pv-rwo', '10Gi'));
    await c.client.create(res.claims, claim('lonely', '1Gi', { modes: ['ReadWriteMany'] }));
    const ev = await eventFor(c.client, 'lonely', 'FailedBinding');
    assert.equal(ev.message, 'no persistent volumes available for this claim and no storage class is set');
    assert.equal(ev.type, 'Normal');
    const pending = await getClaim(c.client, 'lonely');
    assert.equal(pending?.status?.phase, 'Pending');
    assert.equal(pending?.spec.volumeName, undefined);
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder releases a Retain volume when its claim is deleted, and fails a static Delete volume', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.volumes, volume('pv-keep', '1Gi', { cls: 'manual' }));
    await c.client.create(res.volumes, volume('pv-delete', '1Gi', { cls: 'other', policy: 'Delete' }));
    await c.client.create(res.claims, claim('keep', '1Gi', { cls: 'manual' }));
    await c.client.create(res.claims, claim('drop', '1Gi', { cls: 'other' }));
    await claimInPhase(c.client, 'keep', 'Bound');
    await claimInPhase(c.client, 'drop', 'Bound');
    await c.client.delete(res.claims, 'keep', { namespace: 'default' });
    await c.client.delete(res.claims, 'drop', { namespace: 'default' });
    const kept = await volumeInPhase(c.client, 'pv-keep', 'Released');
    assert.equal(kept.spec.claimRef?.name, 'keep', 'a released volume still names its old claim');
    const failed = await volumeInPhase(c.client, 'pv-delete', 'Failed');
    assert.equal(failed.status?.message, 'error getting deleter volume plugin for volume "pv-delete": no deletable volume plugin matched');
    await eventFor(c.client, 'pv-delete', 'VolumeFailedDelete');
    // Released stays Released: a new claim does not take it.
    await c.client.create(res.claims, claim('newcomer', '1Gi', { cls: 'manual' }));
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await getClaim(c.client, 'newcomer'))?.status?.phase, 'Pending');
    assert.equal((await getVolume(c.client, 'pv-keep'))?.status?.phase, 'Released');
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder finishes a bind interrupted between its two writes, from either side', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    // Volume side written, claim side not: as if the binder stopped after its first write.
    const created = await c.client.create(res.claims, claim('half', '1Gi', { cls: 'manual-a' }));
    await c.client.create(
      res.volumes,
      volume('pv-half', '1Gi', {
        cls: 'manual-a',
        annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'half', uid: created.metadata.uid! },
      }),
    );
    const half = await claimInPhase(c.client, 'half', 'Bound');
    assert.equal(half.spec.volumeName, 'pv-half');
    await volumeInPhase(c.client, 'pv-half', 'Bound');

    // Claim side written (volumeName and bind-completed) but the volume lost its claimRef.
    await c.client.create(res.volumes, volume('pv-other', '1Gi', { cls: 'manual-b' }));
    await volumeInPhase(c.client, 'pv-other', 'Available');
    await c.client.create(res.claims, claim('other', '1Gi', { cls: 'manual-b', volumeName: 'pv-other', annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } }));
    const other = await claimInPhase(c.client, 'other', 'Bound');
    const pv = await volumeInPhase(c.client, 'pv-other', 'Bound');
    assert.equal(pv.spec.claimRef?.uid, other.metadata.uid);
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder marks a bound claim Lost when its volume disappears', async () => {
  const c = await startCluster([persistentVolumeBinderController], fastSettings);
  try {
    await c.client.create(res.volumes, volume('pv-gone', '1Gi', { cls: 'manual' }));
    await c.client.create(res.claims, claim('orphan', '1Gi', { cls: 'manual' }));
    await claimInPhase(c.client, 'orphan', 'Bound');
    // No pv-protection runs here: drop its finalizer so the delete goes through.
    await c.client.patch(res.volumes, 'pv-gone', { metadata: { finalizers: null } }, { type: 'merge' });
    await c.client.delete(res.volumes, 'pv-gone');
    await claimInPhase(c.client, 'orphan', 'Lost');
    const ev = await eventFor(c.client, 'orphan', 'ClaimLost');
    assert.equal(ev.message, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    assert.equal(ev.type, 'Warning');
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder hands claims to the class provisioner and completes the bind of the volume it creates', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.classes, storageClass('fast', 'example.com/fast'));
    const created = await c.client.create(res.claims, claim('dyn', '1Gi', { cls: 'fast' }));
    const annotated = await eventually(async () => {
      const cur = await getClaim(c.client, 'dyn');
      return cur?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] ? cur : undefined;
    }, 10_000, 'provisioner annotation');
    assert.equal(annotated.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'example.com/fast');
    assert.equal(annotated.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'example.com/fast');
    const ev = await eventFor(c.client, 'dyn', 'ExternalProvisioning');
    assert.equal(
      ev.message,
      "Waiting for a volume to be created either by the external provisioner 'example.com/fast' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    );
    // What a provisioner does: a volume named after the claim's UID, already pointing at the claim.
    const pvName = `pvc-${created.metadata.uid}`;
    await c.client.create(
      res.volumes,
      volume(pvName, '1Gi', {
        cls: 'fast',
        policy: 'Delete',
        annotations: { 'pv.kubernetes.io/provisioned-by': 'example.com/fast', 'pv.kubernetes.io/bound-by-controller': 'yes' },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'dyn', uid: created.metadata.uid! },
      }),
    );
    const bound = await claimInPhase(c.client, 'dyn', 'Bound');
    assert.equal(bound.spec.volumeName, pvName);
    await volumeInPhase(c.client, pvName, 'Bound');
    // Deleting the claim releases the volume to its provisioner, which deletes it: the binder only marks it.
    await c.client.delete(res.claims, 'dyn', { namespace: 'default' });
    await volumeInPhase(c.client, pvName, 'Released');
    await new Promise((r) => setTimeout(r, 700));
    const released = await getVolume(c.client, pvName);
    assert.equal(released?.status?.phase, 'Released', 'not Failed: deletion is the provisioner\'s');
    assert.equal(released?.metadata.deletionTimestamp, undefined);
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder waits for the first consumer before asking a WaitForFirstConsumer class to provision', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.classes, storageClass('local', 'example.com/local', { mode: 'WaitForFirstConsumer' }));
    await c.client.create(res.claims, claim('later', '1Gi', { cls: 'local' }));
    const ev = await eventFor(c.client, 'later', 'WaitForFirstConsumer');
    assert.equal(ev.message, 'waiting for first consumer to be created before binding');
    assert.equal((await getClaim(c.client, 'later'))?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], undefined);
    // The scheduler picks a node for the claim's pod.
    await c.client.patch(res.claims, 'later', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } } }, { type: 'merge', namespace: 'default' });
    await eventually(async () => (await getClaim(c.client, 'later'))?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] === 'example.com/local', 10_000, 'provisioner annotation');
    assert.equal((await getClaim(c.client, 'later'))?.status?.phase, 'Pending');
  } finally {
    await c.close();
  }
});

test('a claim without a class gets the default class and its provisioner; storageClassName "" is never provisioned', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.classes, storageClass('standard', 'example.com/standard', { isDefault: true }));
    await c.client.create(res.claims, claim('defaulted', '1Gi'));
    await c.client.create(res.claims, claim('static-only', '1Gi', { cls: '' }));
    const defaulted = await getClaim(c.client, 'defaulted');
    assert.equal(defaulted?.spec.storageClassName, 'standard');
    await eventually(async () => (await getClaim(c.client, 'defaulted'))?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] === 'example.com/standard', 10_000, 'provisioner annotation');
    const ev = await eventFor(c.client, 'static-only', 'FailedBinding');
    assert.equal(ev.message, 'no persistent volumes available for this claim and no storage class is set');
    const staticOnly = await getClaim(c.client, 'static-only');
    assert.equal(staticOnly?.spec.storageClassName, '');
    assert.equal(staticOnly?.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], undefined);
    // A class-less volume serves it.
    await c.client.create(res.volumes, volume('pv-static', '1Gi'));
    assert.equal((await claimInPhase(c.client, 'static-only', 'Bound')).spec.volumeName, 'pv-static');
  } finally {
    await c.close();
  }
});

test('persistentvolume-binder leaves free volumes of a WaitForFirstConsumer class to the scheduler and completes its choice', async () => {
  const c = await startCluster(all, fastSettings);
  try {
    await c.client.create(res.classes, storageClass('local-disks', 'kubernetes.io/no-provisioner', { mode: 'WaitForFirstConsumer' }));
    await c.client.create(res.volumes, volume('pv-node1', '1Gi', { cls: 'local-disks' }));
    await volumeInPhase(c.client, 'pv-node1', 'Available');
    const created = await c.client.create(res.claims, claim('local', '1Gi', { cls: 'local-disks' }));
    await eventFor(c.client, 'local', 'WaitForFirstConsumer');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await getClaim(c.client, 'local'))?.status?.phase, 'Pending', 'not bound before a pod is scheduled');
    assert.equal((await getVolume(c.client, 'pv-node1'))?.spec.claimRef, undefined);
    // What the scheduler's VolumeBinding writes at PreBind for the node it chose.
    await c.client.patch(
      res.volumes,
      'pv-node1',
      {
        metadata: { annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
        spec: { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'local', uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion } },
      },
      { type: 'merge' },
    );
    assert.equal((await claimInPhase(c.client, 'local', 'Bound')).spec.volumeName, 'pv-node1');
    await volumeInPhase(c.client, 'pv-node1', 'Bound');
  } finally {
    await c.close();
  }
});

test('requeueOnConflict() turns a lost write race into a short timed retry and passes other errors on', async () => {
  const pvs = { group: '', resource: 'persistentvolumes' };
  assert.deepEqual(await requeueOnConflict(async () => { throw conflict(pvs, 'pv', 'the object has been modified'); }), { requeueAfterMs: 100 });
  await assert.rejects(requeueOnConflict(async () => { throw notFound(pvs, 'pv'); }), /not found/);
  assert.equal(await requeueOnConflict(async () => {}), undefined);
});
