import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DROPPED, directiveTarget, freshValue, isDirectiveKey, literalValue } from '../../../src/apiserver/patch/strategic-directives.js';

test('isDirectiveKey() recognises the strategic merge patch directives only', () => {
  for (const k of ['$patch', '$retainKeys', '$setElementOrder/containers', '$deleteFromPrimitiveList/finalizers']) assert.ok(isDirectiveKey(k), k);
  for (const k of ['$ref', 'patch', 'name', '']) assert.equal(isDirectiveKey(k), false, k);
});

test('freshValue() drops nulls, $patch maps and directive keys', () => {
  assert.equal(freshValue({ $patch: 'delete', name: 'a' }), DROPPED);
  assert.deepEqual(
    freshValue({ a: null, b: [{ $patch: 'delete', name: 'x' }, { name: 'y', v: null }, null], c: { $patch: 'replace' }, '$setElementOrder/b': [], $retainKeys: [] }),
    { b: [{ name: 'y' }, null] },
  );
});

test('literalValue() drops nulls and directive keys but keeps the maps', () => {
  assert.deepEqual(literalValue({ $patch: 'replace', a: null, b: [{ $patch: 'delete', name: 'x' }], c: 1 }), { b: [{ name: 'x' }], c: 1 });
});

test('directiveTarget() takes the field after the prefix, or undefined', () => {
  assert.equal(directiveTarget('$setElementOrder/containers', '$setElementOrder'), 'containers');
  assert.equal(directiveTarget('$setElementOrder', '$setElementOrder'), undefined);
  assert.equal(directiveTarget('$setElementOrderX/containers', '$setElementOrder'), undefined);
});
