import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelSelectorMatches, selectorRequirements } from '../../../src/api/validation/selector-match.js';

test('labelSelectorMatches() applies each operator', () => {
  const sel = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'back'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  };
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'front', team: 'x' }), true);
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'front', team: 'x', env: 'dev' }), false);
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'mid', team: 'x' }), false);
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'front' }), false);
  assert.equal(labelSelectorMatches(sel, { app: 'web', tier: 'front', team: 'x', legacy: '' }), false);
});

test('labelSelectorMatches() treats null as nothing, empty as everything, bad as undefined', () => {
  assert.equal(labelSelectorMatches(null, { a: 'b' }), false);
  assert.equal(labelSelectorMatches({}, { a: 'b' }), true);
  assert.equal(labelSelectorMatches({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, { a: 'b' }), undefined);
});

test('selectorRequirements() sorts by key', () => {
  const reqs = selectorRequirements({ matchLabels: { z: '1', a: '2' } });
  assert.deepEqual(reqs?.map((r) => r.key), ['a', 'z']);
});
