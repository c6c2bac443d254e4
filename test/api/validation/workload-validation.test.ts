import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  intOrPercentValue,
  validateAtMost100Percent,
  validateImmutable,
  validateIntOrPercent,
  validateNonnegative,
  validateRequiredSelector,
  validateSelectorMatchesTemplate,
  validateWorkloadTemplate,
} from '../../../src/api/validation/workload-validation.js';

test('validateNonnegative() rejects negatives with Kubernetes wording', () => {
  assert.deepEqual(validateNonnegative(undefined, 'spec.replicas'), []);
  assert.deepEqual(validateNonnegative(0, 'spec.replicas'), []);
  const [e] = validateNonnegative(-1, 'spec.replicas');
  assert.equal(e.field, 'spec.replicas');
  assert.equal(e.detail, 'must be greater than or equal to 0');
});

test('validateIntOrPercent() accepts N and N% only', () => {
  assert.deepEqual(validateIntOrPercent(3, 'p'), []);
  assert.deepEqual(validateIntOrPercent('25%', 'p'), []);
  assert.match(validateIntOrPercent('25', 'p')[0].detail, /a valid percent string must be a numeric string followed by an ending '%'/);
  assert.equal(validateIntOrPercent(true, 'p')[0].detail, "must be an integer or percentage (e.g '5%%')");
  assert.equal(validateAtMost100Percent('101%', 'p')[0].detail, 'must not be greater than 100%');
  assert.deepEqual(validateAtMost100Percent('100%', 'p'), []);
});

test('intOrPercentValue() reads numbers and percents', () => {
  assert.equal(intOrPercentValue('25%'), 25);
  assert.equal(intOrPercentValue(0), 0);
  assert.equal(intOrPercentValue('x'), 0);
});

test('validateImmutable() compares deeply', () => {
  assert.deepEqual(validateImmutable({ a: [1] }, { a: [1] }, 'f'), []);
  assert.equal(validateImmutable({ a: [2] }, { a: [1] }, 'f')[0].detail, 'field is immutable');
});

test('validateRequiredSelector() requires a non-empty selector', () => {
  assert.equal(validateRequiredSelector(undefined, 'spec.selector', 'deployment')[0].type, 'FieldValueRequired');
  assert.equal(validateRequiredSelector({}, 'spec.selector', 'deployment')[0].detail, 'empty selector is invalid for deployment');
});

test('validateSelectorMatchesTemplate() reports labels the selector does not select', () => {
  const tpl = { metadata: { labels: { app: 'a' } } };
  assert.deepEqual(validateSelectorMatchesTemplate({ matchLabels: { app: 'a' } }, tpl, 'spec.template'), []);
  const [e] = validateSelectorMatchesTemplate({ matchLabels: { app: 'b' } }, tpl, 'spec.template');
  assert.equal(e.field, 'spec.template.metadata.labels');
  assert.equal(e.detail, '`selector` does not match template `labels`');
  assert.deepEqual(e.value, { app: 'a' });
});

test('validateWorkloadTemplate() wants restartPolicy Always and no activeDeadlineSeconds', () => {
  const tpl = { spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Never', activeDeadlineSeconds: 5 } };
  const errs = validateWorkloadTemplate(tpl, 'spec.template', 'ReplicaSet');
  const restart = errs.find((e) => e.field === 'spec.template.spec.restartPolicy');
  assert.equal(restart?.type, 'FieldValueNotSupported');
  const deadline = errs.find((e) => e.field === 'spec.template.spec.activeDeadlineSeconds' && e.type === 'FieldValueForbidden');
  assert.equal(deadline?.detail, 'activeDeadlineSeconds in ReplicaSet is not Supported');
});
