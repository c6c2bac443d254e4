import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { persistentVolumeClaim } from '../../../../src/api/resources/core/persistent-volume-claim.js';

type Rec = Record<string, any>;

function pvc(spec: Rec, status?: Rec): KubeObject {
  const c: KubeObject = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec };
  persistentVolumeClaim.strategy.prepare!(c, {});
  if (status) c.status = status;
  persistentVolumeClaim.strategy.default!(c);
  return c;
}

const base = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

test('PVC defaults: Filesystem and Pending', () => {
  const c = pvc({ ...base });
  assert.equal((c.spec as Rec).volumeMode, 'Filesystem');
  assert.deepEqual(c.status, { phase: 'Pending' });
  assert.deepEqual(persistentVolumeClaim.strategy.validate!(c), []);
});

test('PVC validation: access modes and storage request', () => {
  const errs = persistentVolumeClaim.strategy.validate!(pvc({ accessModes: [] , resources: {} }));
  assert.deepEqual(errs.map((e) => [e.field, e.type, e.detail]), [
    ['spec.accessModes', 'FieldValueRequired', 'at least 1 access mode is required'],
    ['spec.resources[storage]', 'FieldValueRequired', ''],
  ]);
});

test('PVC spec is immutable except resizing up a bound claim', () => {
  const old = pvc({ ...base, volumeName: 'pv1' }, { phase: 'Bound' });
  const bigger = pvc({ ...base, volumeName: 'pv1', resources: { requests: { storage: '2Gi' } } }, { phase: 'Bound' });
  assert.deepEqual(persistentVolumeClaim.strategy.validateUpdate!(bigger, old), []);
  const smaller = pvc({ ...base, volumeName: 'pv1', resources: { requests: { storage: '500Mi' } } }, { phase: 'Bound' });
  assert.deepEqual(persistentVolumeClaim.strategy.validateUpdate!(smaller, old).map((e) => [e.field, e.detail]), [
    ['spec.resources.requests.storage', 'field can not be less than previous value'],
  ]);
  const modes = pvc({ ...base, volumeName: 'pv1', accessModes: ['ReadWriteMany'] }, { phase: 'Bound' });
  const errs = persistentVolumeClaim.strategy.validateUpdate!(modes, old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']]);
});

test('the binder may set volumeName once', () => {
  const old = pvc({ ...base });
  assert.deepEqual(persistentVolumeClaim.strategy.validateUpdate!(pvc({ ...base, volumeName: 'pv1' }), old), []);
});

test('PVC cells show capacity only once bound', () => {
  const pending = pvc({ ...base, storageClassName: 'fast' });
  const cells = Object.fromEntries(persistentVolumeClaim.printerColumns.map((c) => [c.name, c.cell(pending, Date.now())]));
  assert.equal(cells.Status, 'Pending');
  assert.equal(cells.Volume, '');
  assert.equal(cells.Capacity, '');
  assert.equal(cells.StorageClass, 'fast');
  const bound = pvc({ ...base, volumeName: 'pv1' }, { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'] });
  const b = Object.fromEntries(persistentVolumeClaim.printerColumns.map((c) => [c.name, c.cell(bound, Date.now())]));
  assert.equal(b.Capacity, '1Gi');
  assert.equal(b['Access Modes'], 'RWO');
});
