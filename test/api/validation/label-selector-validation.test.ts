import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateLabelSelector } from '../../../src/api/validation/label-selector-validation.js';

test('validateLabelSelector() accepts matchLabels and each operator', () => {
  const sel = {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'x', operator: 'Exists' },
      { key: 'y', operator: 'DoesNotExist' },
    ],
  };
  assert.deepEqual(validateLabelSelector(sel, 'spec.selector'), []);
  assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
});

test('validateLabelSelector() reports operator and values problems at Kubernetes paths', () => {
  const errs = validateLabelSelector(
    { matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Like' }, { key: 'd', operator: 'In', values: ['bad value'] }] },
    's',
  );
  assert.deepEqual(
    errs.map((e) => [e.field, e.type]),
    [
      ['s.matchExpressions[0].values', 'FieldValueRequired'],
      ['s.matchExpressions[1].values', 'FieldValueForbidden'],
      ['s.matchExpressions[2].operator', 'FieldValueInvalid'],
      ['s.matchExpressions[3].values[0]', 'FieldValueInvalid'],
    ],
  );
});
