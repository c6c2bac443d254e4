import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSchema } from '../../../src/catalog/brokers/schema-check.js';

const schema = {
  type: 'object',
  properties: {
    size: { type: 'integer', minimum: 1, maximum: 10 },
    tier: { enum: ['gold', 'silver'] },
    name: { type: 'string', minLength: 2, maxLength: 4 },
    ratio: { type: 'number' },
  },
  required: ['size'],
  additionalProperties: false,
};

test('checkSchema() accepts conforming values', () => {
  assert.deepEqual(checkSchema(schema, { size: 3, tier: 'gold', name: 'ab', ratio: 2 }), []);
  assert.deepEqual(checkSchema(schema, { size: 3, ratio: 0.5 }), []);
  assert.deepEqual(checkSchema(undefined, { anything: true }), []);
});

test('checkSchema() names each problem by path', () => {
  assert.deepEqual(checkSchema(schema, {}), ['parameters.size is required']);
  assert.deepEqual(checkSchema(schema, { size: 1.5 }), ['parameters.size must be of type integer']);
  assert.deepEqual(checkSchema(schema, { size: 0, tier: 'bronze', name: 'abcdef', extra: 1 }), [
    'parameters.size must be at least 1',
    'parameters.tier must be one of "gold", "silver"',
    'parameters.name must be at most 4 characters',
    'parameters.extra is not allowed',
  ]);
  assert.deepEqual(checkSchema(schema, 'x'), ['parameters must be of type object']);
});
