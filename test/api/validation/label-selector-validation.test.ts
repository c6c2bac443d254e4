import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEmptyLabelSelector, validateLabelSelector } from '../../../src/api/validation/label-selector-validation.js';

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

test('validateLabelSelector() accepts matchLabels and every operator used correctly', () => {
  const errs = validateLabelSelector(
    {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'example.com/x', operator: 'Exists' },
        { key: 'y', operator: 'DoesNotExist', values: [] },
      ],
    },
    'spec.selector',
  );
  assert.deepEqual(errs, []);
});

test('validateLabelSelector() reports operator value rules with Kubernetes paths and messages', () => {
  const errs = validateLabelSelector(
    {
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Gt', values: ['1'] },
        { key: 'bad key!', operator: 'In', values: ['-bad-'] },
      ],
    },
    'spec.selector',
  );
  assert.deepEqual(
    errs.map((e) => [e.type, e.field, e.detail]),
    [
      ['FieldValueRequired', 'spec.selector.matchExpressions[0].values', "must be specified when `operator` is 'In' or 'NotIn'"],
      ['FieldValueForbidden', 'spec.selector.matchExpressions[1].values', "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[2].operator', 'not a valid selector operator'],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[3].key', errs[3].detail],
      ['FieldValueInvalid', 'spec.selector.matchExpressions[3].values[0]', errs[4].detail],
    ],
  );
  assert.match(errs[3].detail, /name part must consist of alphanumeric characters/);
  assert.match(errs[4].detail, /a valid label must be an empty string/);
});

test('validateLabelSelector() checks matchLabels keys and values', () => {
  const errs = validateLabelSelector({ matchLabels: { 'a/b/c': 'ok', good: 'not ok!' } }, 'spec.selector');
  assert.equal(errs.length, 2);
  assert.ok(errs.every((e) => e.field === 'spec.selector.matchLabels'));
});

test('isEmptyLabelSelector() is true only for an object without requirements', () => {
  assert.equal(isEmptyLabelSelector({}), true);
  assert.equal(isEmptyLabelSelector({ matchLabels: {} }), true);
  assert.equal(isEmptyLabelSelector({ matchLabels: { a: 'b' } }), false);
  assert.equal(isEmptyLabelSelector(null), false);
});

test('validateLabelSelector() reports wrongly typed parts instead of reading them as empty', () => {
  assert.deepEqual(
    validateLabelSelector({ matchExpressions: 'a' }, 's').map((e) => [e.field, e.type]),
    [['s.matchExpressions', 'FieldValueTypeInvalid']],
  );
  assert.deepEqual(
    validateLabelSelector({ matchExpressions: ['a'] }, 's').map((e) => [e.field, e.type]),
    [['s.matchExpressions[0]', 'FieldValueTypeInvalid']],
  );
});
