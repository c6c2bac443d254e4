import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePatch } from '../../../src/apiserver/patch/decode-patch.js';
import { StatusError } from '../../../src/api/errors.js';

test('decodePatch() parses strings and bytes', () => {
  assert.deepEqual(decodePatch('merge', '{"a":1}'), { a: 1 });
  assert.deepEqual(decodePatch('json', new TextEncoder().encode('[{"op":"remove","path":"/a"}]')), [{ op: 'remove', path: '/a' }]);
});

test('decodePatch() answers 400 for a body that is not JSON', () => {
  for (const type of ['json', 'merge', 'strategic'] as const) {
    assert.throws(
      () => decodePatch(type, '{nope'),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest',
      type,
    );
  }
  assert.throws(() => decodePatch('merge', '{nope'), /^StatusError: Invalid JSON Patch$/);
});
