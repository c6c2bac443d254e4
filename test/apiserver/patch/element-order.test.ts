import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf, normalizeElementOrder, partitionByPresence } from '../../../src/apiserver/patch/element-order.js';
import { StatusError } from '../../../src/api/errors.js';

const named = (...ns: string[]): Array<{ name: string }> => ns.map((name) => ({ name }));

test('kindOf() classifies JSON values', () => {
  assert.deepEqual([{}, [], 'a', 1, true, null].map(kindOf), ['map', 'list', 'string', 'number', 'boolean', 'null']);
});

test('partitionByPresence() splits by merge key or by value', () => {
  const [inPatch, rest] = partitionByPresence(named('a', 'b', 'c'), named('c', 'a'), 'name');
  assert.deepEqual(inPatch, named('a', 'c'));
  assert.deepEqual(rest, named('b'));
  assert.deepEqual(partitionByPresence(['a', 'b'], ['b'], ''), [['b'], ['a']]);
  assert.throws(() => partitionByPresence([{ image: 'x' }], named('a'), 'name'), (e: unknown) => e instanceof StatusError && e.code === 500);
});

test('normalizeElementOrder() interleaves server-only items by the server order', () => {
  // server order 1 2 9 3 4; the patch orders 2 1 4 3
  const server = named('1', '2', '9', '3', '4');
  const out = normalizeElementOrder(named('1', '2', '3', '4'), named('9'), named('2', '1', '4', '3'), server, 'name', 'map');
  assert.deepEqual(out, named('2', '1', '9', '4', '3'));
});

test('normalizeElementOrder() puts items the server does not know first', () => {
  assert.deepEqual(normalizeElementOrder(['z'], ['a', 'b'], ['z'], ['a', 'b'], '', 'string'), ['z', 'a', 'b']);
});

test('normalizeElementOrder() sorts $patch: delete elements last', () => {
  const items = [{ name: 'b', $patch: 'delete' }, { name: 'a' }];
  const out = normalizeElementOrder(items, [], named('b', 'a'), [], 'name', 'map');
  assert.deepEqual(out, [{ name: 'a' }, { name: 'b', $patch: 'delete' }]);
});
