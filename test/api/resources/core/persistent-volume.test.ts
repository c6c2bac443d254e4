import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { persistentVolume } from '../../../../src/api/resources/core/persistent-volume.js';

type Rec = Record<string, any>;

function pv(spec: Rec): KubeObject {
  const v: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec };
  persistentVolume.strategy.prepare!(v, {});
  persistentVolume.strategy.default!(v);
  return v;
}

const base = { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } };

test('PV defaults: Retain, Filesystem, Pending', () => {
  const v = pv({ ...base });
  assert.equal((v.spec as Rec).persistentVolumeReclaimPolicy, 'Retain');
  assert.equal((v.spec as Rec).volumeMode, 'Filesystem');
  assert.equal((v.status as Rec).phase, 'Pending');
  assert.deepEqual(persistentVolume.strategy.validate!(v), []);
});

test('PV validation: access modes, capacity, one source', () => {
  const errs = persistentVolume.strategy.validate!(pv({ accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'], capacity: { storage: '0' } }));
  assert.deepEqual(errs.map((e) => [e.field, e.type]), [
    ['spec.accessModes', 'FieldValueForbidden'],
    ['spec.capacity[storage]', 'FieldValueInvalid'],
    ['spec', 'FieldValueRequired'],
  ]);
  const two = persistentVolume.strategy.validate!(pv({ ...base, nfs: { server: 'nas', path: '/x' } }));
  assert.deepEqual(two.map((e) => [e.field, e.detail]), [['spec.nfs', 'may not specify more than 1 volume type']]);
  const local = persistentVolume.strategy.validate!(pv({ ...base, hostPath: undefined, local: { path: '/mnt' } }));
  assert.deepEqual(local.map((e) => [e.field, e.detail]), [['metadata.annotations', 'Local volume requires node affinity']]);
});

test('the PV source is immutable', () => {
  const old = pv({ ...base });
  const errs = persistentVolume.strategy.validateUpdate!(pv({ ...base, hostPath: { path: '/other' } }), old);
  assert.deepEqual(errs.map((e) => e.field), ['spec.persistentvolumesource']);
  assert.deepEqual(persistentVolume.strategy.validateUpdate!(pv({ ...base, persistentVolumeReclaimPolicy: 'Delete' }), old), []);
});

test('PV cells', () => {
  const v = pv({ ...base, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local' });
  const cells = Object.fromEntries(persistentVolume.printerColumns.map((c) => [c.name, c.cell(v, Date.now())]));
  assert.equal(cells.Capacity, '10Gi');
  assert.equal(cells['Access Modes'], 'RWO,RWX');
  assert.equal(cells['Reclaim Policy'], 'Retain');
  assert.equal(cells.Status, 'Pending');
  assert.equal(cells.Claim, 'default/data');
  assert.equal(cells.StorageClass, 'local');
  assert.equal(cells.VolumeAttributesClass, '<unset>');
  assert.equal(cells.VolumeMode, 'Filesystem');
  assert.equal(persistentVolume.selectableFields.name(v), 'pv1');
});
