import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesRestrictions, parseRestriction } from '../../../../src/api/resources/servicecatalog/catalog-restrictions.js';

test('parseRestriction() reads ==, !=, in and notin predicates joined by commas', () => {
  assert.deepEqual(parseRestriction('spec.externalName in (a, b),name!=x'), [
    { property: 'spec.externalName', operator: 'in', values: ['a', 'b'] },
    { property: 'name', operator: '!=', values: ['x'] },
  ]);
  assert.deepEqual(parseRestriction('spec.free==true'), [{ property: 'spec.free', operator: '==', values: ['true'] }]);
  assert.throws(() => parseRestriction('spec.externalName ~ a'), RangeError);
  assert.throws(() => parseRestriction('name in ()'), RangeError);
});

test('matchesRestrictions() needs every predicate of every string to hold', () => {
  const plan = (p: string): string => ({ name: 'p1', 'spec.externalName': 'small', 'spec.free': 'true' })[p] ?? '';
  assert.equal(matchesRestrictions(undefined, plan), true);
  assert.equal(matchesRestrictions(['spec.externalName in (small, large)'], plan), true);
  assert.equal(matchesRestrictions(['spec.externalName notin (small)'], plan), false);
  assert.equal(matchesRestrictions(['spec.free==true', 'name!=p1'], plan), false);
});
