import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SchemaNode } from '../../../src/api/schema.js';
import { indexList, listShape, TypedErrors } from '../../../src/apiserver/apply/typed.js';

const node = (extra: Partial<SchemaNode>): SchemaNode => ({ field: () => undefined, items: () => undefined, values: () => undefined, ...extra });

test('listShape() follows list-type first, then a merge patch strategy, else atomic', () => {
  assert.deepEqual(listShape(node({ listType: 'map', listMapKeys: ['name'] })), { kind: 'keyed', keys: ['name'] });
  assert.deepEqual(listShape(node({ patchStrategy: 'merge', patchMergeKey: 'ip' })), { kind: 'keyed', keys: ['ip'] });
  assert.deepEqual(listShape(node({ patchStrategy: 'merge' })), { kind: 'set' });
  assert.deepEqual(listShape(node({ listType: 'atomic', patchStrategy: 'merge', patchMergeKey: 'x' })), { kind: 'atomic' });
  assert.deepEqual(listShape(node({})), { kind: 'atomic' });
  assert.deepEqual(listShape(undefined), { kind: 'atomic' });
});

test('indexList() rejects duplicates unless allowed, and items without keys', () => {
  const keyed = { kind: 'keyed' as const, keys: ['name'] };
  assert.throws(() => indexList([{ name: 'a' }, { name: 'a' }], keyed, undefined, [{ kind: 'field', name: 'c' }], false), (e: unknown) => e instanceof TypedErrors && e.message === '.c: duplicate entries for key [name="a"]');
  assert.equal(indexList([{ name: 'a' }, { name: 'a' }], keyed, undefined, [], true).elements.length, 2);
  assert.throws(() => indexList([{ other: 1 }], keyed, undefined, [], false), (e: unknown) => e instanceof TypedErrors && /omits all key fields \["name"\]/.test(e.message));
  assert.throws(() => indexList([{ a: 1 }], { kind: 'set' }, undefined, [], false), /map type/);
});
