import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageClass, storageClassDisplayName } from '../../../../src/api/resources/storage/storage-class.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(fields: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  const o: KubeObject = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'local', creationTimestamp: '2024-01-01T00:00:00Z', ...(annotations ? { annotations } : {}) },
    provisioner: 'wharf.dev/local',
    ...fields,
  };
  storageClass.strategy.default!(o);
  return o;
}

test('default() sets reclaimPolicy Delete and volumeBindingMode Immediate', () => {
  const o = make();
  assert.equal(o.reclaimPolicy, 'Delete');
  assert.equal(o.volumeBindingMode, 'Immediate');
  assert.equal(make({ volumeBindingMode: 'WaitForFirstConsumer' }).volumeBindingMode, 'WaitForFirstConsumer');
});

test('validate() needs a provisioner and known policies', () => {
  assert.deepEqual(storageClass.strategy.validate!(make()), []);
  const errs = storageClass.strategy.validate!(make({ provisioner: '', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' }));
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [
      ['FieldValueRequired', 'provisioner'],
      ['FieldValueNotSupported', 'reclaimPolicy'],
      ['FieldValueNotSupported', 'volumeBindingMode'],
    ],
  );
});

test('validateUpdate() forbids changing provisioner, parameters, reclaimPolicy and binding mode', () => {
  const old = make({ parameters: { type: 'ssd' } });
  const next = make({ provisioner: 'other.io/x', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
  assert.deepEqual(
    storageClass.strategy.validateUpdate!(next, old).map((e) => [e.field, e.detail]),
    [
      ['parameters', 'updates to parameters are forbidden.'],
      ['provisioner', 'updates to provisioner are forbidden.'],
      ['reclaimPolicy', 'updates to reclaimPolicy are forbidden.'],
      ['volumeBindingMode', 'field is immutable'],
    ],
  );
  assert.deepEqual(storageClass.strategy.validateUpdate!(make({ parameters: { type: 'ssd' }, allowVolumeExpansion: true }), old), []);
});

test('printer columns and the (default) name', () => {
  const o = make({ allowVolumeExpansion: true }, { 'storageclass.kubernetes.io/is-default-class': 'true' });
  assert.deepEqual(
    storageClass.printerColumns.map((c) => [c.name, c.cell(o, Date.parse('2024-01-01T02:00:00Z'))]),
    [
      ['Provisioner', 'wharf.dev/local'],
      ['ReclaimPolicy', 'Delete'],
      ['VolumeBindingMode', 'Immediate'],
      ['AllowVolumeExpansion', true],
      ['Age', '120m'],
    ],
  );
  assert.equal(storageClassDisplayName(o), 'local (default)');
  assert.equal(storageClassDisplayName(make()), 'local');
});
