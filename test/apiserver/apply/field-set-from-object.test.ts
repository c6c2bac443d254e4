import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureNamedFieldsAreMembers, fieldSetFromObject } from '../../../src/apiserver/apply/field-set-from-object.js';
import { encodeFieldsV1 } from '../../../src/apiserver/apply/fields-v1.js';
import { deploymentSchema } from './deployment-schema.js';

test('fieldSetFromObject() makes struct fields parents only, map entries and list items members', () => {
  const set = fieldSetFromObject({ metadata: { labels: { app: 'web' } }, spec: { replicas: 1, template: {} } }, deploymentSchema);
  assert.deepEqual(encodeFieldsV1(set), { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {}, 'f:template': {} } });
});

test('fieldSetFromObject() without a schema treats every key as a map entry and lists as atomic', () => {
  const set = fieldSetFromObject({ spec: { items: [1, 2], x: 1 } }, undefined);
  assert.deepEqual(encodeFieldsV1(set), { 'f:spec': { '.': {}, 'f:items': {}, 'f:x': {} } });
});

test('ensureNamedFieldsAreMembers() adds struct parents but not map parents', () => {
  const set = ensureNamedFieldsAreMembers(fieldSetFromObject({ metadata: { labels: { app: 'web' } } }, deploymentSchema), deploymentSchema);
  assert.deepEqual(encodeFieldsV1(set), { 'f:metadata': { '.': {}, 'f:labels': { '.': {}, 'f:app': {} } } });
});
