import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childRecord, defaultField, defaultString, intOf, stringMap } from '../../../src/api/validation/workload-fields.js';

test('childRecord() returns the existing object or creates one', () => {
  const o: Record<string, unknown> = { a: { x: 1 } };
  assert.deepEqual(childRecord(o, 'a'), { x: 1 });
  childRecord(o, 'b').y = 2;
  assert.deepEqual(o.b, { y: 2 });
});

test('defaultField() fills only absent or null values; defaultString() also empty strings', () => {
  const o: Record<string, unknown> = { zero: 0, nil: null, empty: '' };
  defaultField(o, 'zero', 5);
  defaultField(o, 'nil', 5);
  defaultField(o, 'empty', 'x');
  defaultString(o, 'missing', 'y');
  assert.deepEqual(o, { zero: 0, nil: 5, empty: '', missing: 'y' });
  defaultString(o, 'empty', 'z');
  assert.equal(o.empty, 'z');
});

test('intOf() and stringMap() tolerate malformed input', () => {
  assert.equal(intOf('3'), 0);
  assert.equal(intOf(3), 3);
  assert.deepEqual(stringMap({ a: 'b', c: 1 }), { a: 'b' });
  assert.equal(stringMap('x'), undefined);
});
