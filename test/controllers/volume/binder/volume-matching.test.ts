import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claimClass,
  findBestMatch,
  isVolumeBoundToClaim,
  volumeUnsatisfiedReason,
  type Claim,
  type Volume,
} from '../../../../src/controllers/volume/binder/volume-matching.js';

function pv(name: string, storage: string, extra: { modes?: string[]; cls?: string; labels?: Record<string, string>; phase?: string; claimRef?: Record<string, string>; volumeMode?: string; deleting?: boolean } = {}): Volume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: extra.labels, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: {
      capacity: { storage },
      accessModes: extra.modes ?? ['ReadWriteOnce'],
      storageClassName: extra.cls,
      hostPath: { path: `/tmp/${name}` },
      ...(extra.claimRef ? { claimRef: extra.claimRef } : {}),
      ...(extra.volumeMode ? { volumeMode: extra.volumeMode } : {}),
    },
    status: { phase: extra.phase ?? 'Available' },
  };
}

function pvc(storage: string, extra: { modes?: string[]; cls?: string; selector?: Record<string, unknown>; volumeMode?: string; annotations?: Record<string, string> } = {}): Claim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', uid: 'u-1', annotations: extra.annotations },
    spec: {
      accessModes: extra.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage } },
      ...(extra.cls !== undefined ? { storageClassName: extra.cls } : {}),
      ...(extra.selector ? { selector: extra.selector } : {}),
      ...(extra.volumeMode ? { volumeMode: extra.volumeMode } : {}),
    },
  };
}

const names = (v: Volume | undefined) => v?.metadata.name;

test('findBestMatch() picks the smallest available volume that fits', () => {
  const vols = [pv('big', '10Gi'), pv('small', '500Mi'), pv('fits', '2Gi'), pv('also-fits', '3Gi')];
  assert.equal(names(findBestMatch(pvc('1Gi'), vols, false)), 'fits');
  assert.equal(names(findBestMatch(pvc('20Gi'), vols, false)), undefined);
});

test('findBestMatch() matches class, access modes, selector and volume mode', () => {
  const vols = [
    pv('gold', '1Gi', { cls: 'gold' }),
    pv('rwx', '1Gi', { modes: ['ReadWriteMany', 'ReadWriteOnce'] }),
    pv('labelled', '5Gi', { labels: { tier: 'db' } }),
    pv('block', '1Gi', { volumeMode: 'Block' }),
    pv('plain', '4Gi'),
  ];
  assert.equal(names(findBestMatch(pvc('1Gi', { cls: 'gold' }), vols, false)), 'gold');
  assert.equal(names(findBestMatch(pvc('1Gi', { modes: ['ReadWriteMany'] }), vols, false)), 'rwx');
  assert.equal(names(findBestMatch(pvc('1Gi', { selector: { matchLabels: { tier: 'db' } } }), vols, false)), 'labelled');
  assert.equal(names(findBestMatch(pvc('1Gi', { volumeMode: 'Block' }), vols, false)), 'block');
  // Without a class (or with ""), only class-less volumes match; fewer access modes win over size.
  assert.equal(names(findBestMatch(pvc('1Gi', { cls: '' }), vols, false)), 'plain');
  assert.equal(names(findBestMatch(pvc('1Gi', { cls: 'silver' }), vols, false)), undefined);
});

test('findBestMatch() skips volumes not Available, claimed by others, or being deleted', () => {
  const other = { namespace: 'default', name: 'other', uid: 'u-2' };
  const vols = [pv('released', '1Gi', { phase: 'Released' }), pv('taken', '1Gi', { claimRef: other }), pv('going', '1Gi', { deleting: true })];
  assert.equal(findBestMatch(pvc('1Gi'), vols, false), undefined);
});

test('findBestMatch() prefers a volume pre-bound to the claim, if it is big enough, even when binding is delayed', () => {
  const mine = { namespace: 'default', name: 'data' };
  const vols = [pv('any', '1Gi'), pv('reserved', '5Gi', { claimRef: mine, phase: 'Available' })];
  assert.equal(names(findBestMatch(pvc('1Gi'), vols, false)), 'reserved');
  assert.equal(names(findBestMatch(pvc('1Gi'), vols, true)), 'reserved', 'delayed binding still takes a pre-bound volume');
  assert.equal(findBestMatch(pvc('1Gi'), [pv('any', '1Gi')], true), undefined, 'delayed binding leaves unbound volumes to the scheduler');
  assert.equal(names(findBestMatch(pvc('10Gi'), [pv('reserved', '5Gi', { claimRef: mine })], false)), undefined);
});

test('isVolumeBoundToClaim() compares namespace, name and the UID when the ref has one', () => {
  const claim = pvc('1Gi');
  assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'default', name: 'data' } }), claim), true);
  assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'default', name: 'data', uid: 'u-1' } }), claim), true);
  assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'default', name: 'data', uid: 'old' } }), claim), false);
  assert.equal(isVolumeBoundToClaim(pv('a', '1Gi', { claimRef: { namespace: 'other', name: 'data' } }), claim), false);
  assert.equal(isVolumeBoundToClaim(pv('a', '1Gi'), claim), false);
});

test('volumeUnsatisfiedReason() names why a requested volume does not fit, in Kubernetes\' words', () => {
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi'), pvc('2Gi')), 'requested PV is too small');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi', { cls: 'gold' }), pvc('1Gi')), 'storageClassName does not match');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi', { volumeMode: 'Block' }), pvc('1Gi')), 'incompatible volumeMode');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi'), pvc('1Gi', { modes: ['ReadWriteMany'] })), 'incompatible accessMode');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi', { deleting: true }), pvc('1Gi')), 'the volume is marked for deletion "a"');
  assert.equal(volumeUnsatisfiedReason(pv('a', '1Gi'), pvc('1Gi')), undefined);
});

test('claimClass() lets the beta annotation win over storageClassName', () => {
  assert.equal(claimClass(pvc('1Gi', { cls: 'fast', annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' } })), 'slow');
  assert.equal(claimClass(pvc('1Gi', { cls: 'fast' })), 'fast');
  assert.equal(claimClass(pvc('1Gi')), '');
});
