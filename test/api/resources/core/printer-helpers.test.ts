import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessModesString, formatLabels, storageClassOf, storageString } from '../../../../src/api/resources/core/printer-helpers.js';

test('formatLabels() sorts keys and shows <none> when empty', () => {
  assert.equal(formatLabels({ tier: 'fe', app: 'web' }), 'app=web,tier=fe');
  assert.equal(formatLabels(undefined), '<none>');
});

test('accessModesString() uses the fixed order and short names', () => {
  assert.equal(accessModesString(['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOnce']), 'RWO,ROX,RWX');
  assert.equal(accessModesString(['ReadWriteOncePod']), 'RWOP');
});

test('storageClassOf() prefers the beta annotation', () => {
  assert.equal(storageClassOf({ metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }, spec: { storageClassName: 'new' } }), 'old');
  assert.equal(storageClassOf({ metadata: {}, spec: { storageClassName: 'new' } }), 'new');
});

test('storageString() prints the storage quantity canonically, 0 when absent or unreadable', () => {
  assert.equal(storageString({ storage: '1024Mi' }), '1Gi');
  assert.equal(storageString({ cpu: '1' }), '0');
  assert.equal(storageString(undefined), '0');
  assert.equal(storageString({ storage: true }), '0');
});
