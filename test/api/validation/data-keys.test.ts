import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepEqual } from '../../../src/api/object.js';
import { configMapKey, validateImmutableData } from '../../../src/api/validation/data-keys.js';

test('configMapKey() accepts file-like keys and rejects others', () => {
  assert.deepEqual(configMapKey('app.properties'), []);
  assert.deepEqual(configMapKey('KEY_NAME-1'), []);
  assert.match(configMapKey('a/b')[0], /a valid config key must consist of alphanumeric characters/);
  assert.deepEqual(configMapKey('..'), ["must not be '..'"]);
  assert.deepEqual(configMapKey('..data'), ["must not start with '..'"]);
});

test('validateImmutableData() freezes data once immutable is set', () => {
  const old = { immutable: true, data: { a: '1' } };
  assert.deepEqual(validateImmutableData({ immutable: true, data: { a: '1' } }, old, ['data'], deepEqual), []);
  const errs = validateImmutableData({ immutable: false, data: { a: '2' } }, old, ['data'], deepEqual);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [
    ['immutable', 'field is immutable when `immutable` is set'],
    ['data', 'field is immutable when `immutable` is set'],
  ]);
  assert.deepEqual(validateImmutableData({ data: { a: '2' } }, { data: { a: '1' } }, ['data'], deepEqual), []);
});
