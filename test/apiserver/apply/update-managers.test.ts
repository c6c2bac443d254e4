import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import type { ManagedFields } from '../../../src/apiserver/apply/managed-fields.js';
import { updateManagers } from '../../../src/apiserver/apply/update-managers.js';
import { deploymentSchema } from './deployment-schema.js';

const replicas = [{ kind: 'field' as const, name: 'spec' }, { kind: 'field' as const, name: 'replicas' }];

function managed(): ManagedFields {
  return new Map([['a', { manager: 'a', operation: 'Update' as const, apiVersion: 'apps/v1', set: FieldSet.of(replicas) }]]);
}

test('updateManagers() throws on a change to another manager\'s field unless forced', () => {
  const m = managed();
  assert.throws(() => updateManagers({ spec: { replicas: 1 } }, { spec: { replicas: 2 } }, deploymentSchema, m, 'b', false), /conflict with "a" using apps\/v1/);
  assert.equal(m.size, 1);
  updateManagers({ spec: { replicas: 1 } }, { spec: { replicas: 2 } }, deploymentSchema, m, 'b', true);
  assert.equal(m.size, 0);
});

test('updateManagers() leaves unchanged fields with their owner', () => {
  const m = managed();
  updateManagers({ spec: { replicas: 1 } }, { spec: { replicas: 1, paused: true } }, deploymentSchema, m, 'b', false);
  assert.equal(m.get('a')!.set.has(replicas), true);
});
