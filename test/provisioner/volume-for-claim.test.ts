import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostnameAffinity, PROVISIONED_BY_ANNOTATION, PV_FINALIZER, volumeForClaim, volumeNameFor } from '../../src/provisioner/index.js';

const claim = {
  metadata: { name: 'data', namespace: 'db', uid: 'abc-123' },
  spec: { accessModes: ['ReadWriteOncePod'], volumeMode: 'Block', resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' },
};

test('volumeNameFor() is pvc-<uid>', () => {
  assert.equal(volumeNameFor(claim), 'pvc-abc-123');
});

test('volumeForClaim() carries the claim, the class settings and what the provisioner made', () => {
  const pv = volumeForClaim('example.com/p', claim, { metadata: { name: 'fast' }, provisioner: 'example.com/p', mountOptions: ['ro'] }, {
    source: { nfs: { server: 'nas', path: '/v' } },
    nodeAffinity: hostnameAffinity('n1'),
  });
  assert.deepEqual(pv, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pvc-abc-123', annotations: { [PROVISIONED_BY_ANNOTATION]: 'example.com/p' }, finalizers: [PV_FINALIZER] },
    spec: {
      nfs: { server: 'nas', path: '/v' },
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteOncePod'],
      volumeMode: 'Block',
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'fast',
      mountOptions: ['ro'],
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'db', name: 'data', uid: 'abc-123' },
    },
  });
});

test('volumeForClaim() takes the capacity the provisioner made and the Retain policy of the class', () => {
  const pv = volumeForClaim('p', claim, { metadata: { name: 'fast' }, provisioner: 'p', reclaimPolicy: 'Retain' }, { source: { hostPath: { path: '/x' } }, capacity: '8Gi' });
  assert.equal(pv.spec?.capacity?.storage, '8Gi');
  assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(pv.spec?.mountOptions, undefined);
  assert.equal(pv.spec?.nodeAffinity, undefined);
});
