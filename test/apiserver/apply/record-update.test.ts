import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFieldsV1 } from '../../../src/apiserver/apply/fields-v1.js';
import type { ManagedFields } from '../../../src/apiserver/apply/managed-fields.js';
import { recordUpdate } from '../../../src/apiserver/apply/record-update.js';
import { deploymentSchema } from './deployment-schema.js';

test('recordUpdate() adds the changed fields to the writer without identity fields', () => {
  const m: ManagedFields = new Map();
  recordUpdate({}, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 1 } }, deploymentSchema, m, { manager: '', apiVersion: 'apps/v1' }, 'T');
  const e = m.get('{"manager":"unknown","operation":"Update","apiVersion":"apps/v1"}')!;
  assert.equal(e.time, 'T');
  assert.deepEqual(encodeFieldsV1(e.set), { 'f:spec': { '.': {}, 'f:replicas': {} } });
});

test('recordUpdate() records nothing for a write that changes nothing', () => {
  const m: ManagedFields = new Map();
  recordUpdate({ spec: { replicas: 1 } }, { spec: { replicas: 1 } }, deploymentSchema, m, { manager: 'x', apiVersion: 'apps/v1' }, 'T');
  assert.equal(m.size, 0);
});
