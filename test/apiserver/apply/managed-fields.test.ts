import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeManagedFields, encodeManagedFields, isResetManagedFields, managerId } from '../../../src/apiserver/apply/managed-fields.js';

test('decodeManagedFields() rejects entries upstream rejects', () => {
  const ok = { manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} };
  assert.equal(decodeManagedFields([ok]).size, 1);
  assert.throws(() => decodeManagedFields([{ ...ok, operation: 'Patch' }]), /operation must be `Apply` or `Update`/);
  assert.throws(() => decodeManagedFields([{ ...ok, apiVersion: '' }]), /apiVersion must not be empty/);
  assert.throws(() => decodeManagedFields([{ ...ok, fieldsType: undefined }]), /missing fieldsType in managed fields entry 0/);
  assert.throws(() => decodeManagedFields([{ ...ok, fieldsType: 'FieldsV2' }]), /invalid fieldsType "FieldsV2"/);
});

test('managerId() leaves the apiVersion out for appliers only', () => {
  assert.equal(managerId({ manager: 'm', operation: 'Apply', apiVersion: 'v1' }), '{"manager":"m","operation":"Apply"}');
  assert.equal(managerId({ manager: 'm', operation: 'Update', apiVersion: 'v1' }), '{"manager":"m","operation":"Update","apiVersion":"v1"}');
});

test('encodeManagedFields() sorts Apply first, then by time and manager', () => {
  const raw = [
    { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:a': {} } },
    { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2024-01-01T00:00:02Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:b': {} } },
    { manager: 'z', operation: 'Apply', apiVersion: 'v1', time: '2024-01-01T00:00:09Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:c': {} } },
  ];
  assert.deepEqual(encodeManagedFields(decodeManagedFields(raw))!.map((e) => e.manager), ['z', 'b', 'a']);
  assert.equal(encodeManagedFields(new Map()), undefined);
});

test('isResetManagedFields() is true for [] and [{}] only', () => {
  assert.equal(isResetManagedFields([]), true);
  assert.equal(isResetManagedFields([{}]), true);
  assert.equal(isResetManagedFields(undefined), false);
  assert.equal(isResetManagedFields([{ manager: 'x' }]), false);
});
