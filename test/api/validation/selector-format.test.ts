import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLabels, formatLabelSelector, labelSelectorString } from '../../../src/api/validation/selector-format.js';

test('formatLabelSelector() prints requirements sorted by key, as kubectl -o wide does', () => {
  const sel = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'team', operator: 'Exists' },
      { key: 'old', operator: 'DoesNotExist' },
    ],
  };
  assert.equal(formatLabelSelector(sel), 'app=web,env notin (dev),!old,team,tier in (a,b)');
});

test('formatLabelSelector() prints <none> for empty selectors and <error> for invalid ones', () => {
  assert.equal(formatLabelSelector({}), '<none>');
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), '<error>');
  assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), undefined);
});

test('formatLabels() sorts pairs and prints <none> when empty', () => {
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels(undefined), '<none>');
});
