import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import { conflictError, describeManager } from '../../../src/apiserver/apply/conflict-error.js';

test('describeManager() names subresource and version as kube-apiserver does', () => {
  assert.equal(describeManager({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' }), '"kubectl"');
  assert.equal(describeManager({ manager: 'k', operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale' }), '"k" with subresource "scale" using apps/v1');
});

test('conflictError() is a 409 with one cause per field', () => {
  const m = { manager: 'a', operation: 'Update' as const, apiVersion: 'v1', set: new FieldSet() };
  const e = conflictError([{ manager: m, path: [{ kind: 'field', name: 'data' }] }]);
  assert.equal(e.code, 409);
  assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "a" using v1: .data');
  assert.deepEqual(e.status.details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a" using v1', field: '.data' }] });
});
