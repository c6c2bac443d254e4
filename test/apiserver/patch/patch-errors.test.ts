import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  malformedPatch,
  missingMergeKey,
  patchFailed,
  patchRejected,
  patchedObjectInvalid,
  strategicMergeUnsupported,
  tooManyOperations,
  wrongValueType,
} from '../../../src/apiserver/patch/patch-errors.js';

test('patch errors carry the code and reason kube-apiserver answers with', () => {
  assert.deepEqual([malformedPatch('x').code, malformedPatch('x').reason], [400, 'BadRequest']);
  assert.deepEqual([patchRejected().code, patchRejected().reason], [422, 'Invalid']);
  assert.deepEqual([tooManyOperations(1, 2).code, tooManyOperations(1, 2).reason], [413, 'RequestEntityTooLarge']);
  assert.deepEqual([strategicMergeUnsupported().code, strategicMergeUnsupported().reason], [415, 'UnsupportedMediaType']);
});

test('patchFailed() is a 500 without a reason, as for a plain Go error', () => {
  const e = patchFailed('boom');
  assert.equal(e.code, 500);
  assert.equal(e.message, 'boom');
  assert.equal('reason' in e.status, false);
  assert.equal(JSON.parse(JSON.stringify(e.status)).reason, undefined);
});

test('patchedObjectInvalid() words the 422 as upstream NewInvalid with an empty kind', () => {
  const e = patchedObjectInvalid([1], 'bad');
  assert.equal(e.code, 422);
  assert.equal(e.message, ' "" is invalid: patch: Invalid value: "[1]": bad');
  assert.equal(e.status.details?.causes?.[0].field, 'patch');
});

test('missingMergeKey() and wrongValueType() print values as Go does', () => {
  assert.equal(missingMergeKey({ image: 'x', b: 1 }, 'name').message, 'map: map[b:1 image:x] does not contain declared merge key: name');
  assert.equal(wrongValueType('[]interface {}', 'x').message, 'expected a []interface {}, but received a string');
});
