import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeApplied } from '../../../src/apiserver/apply/merge.js';
import { deploymentSchema } from './deployment-schema.js';

const containers = (...names: string[]) => ({ spec: { template: { spec: { containers: names.map((name) => ({ name })) } } } });
const names = (v: unknown) => (v as ReturnType<typeof containers>).spec.template.spec.containers.map((c) => c.name);

test('mergeApplied() follows the configuration order for shared items and keeps live-only items in place', () => {
  assert.deepEqual(names(mergeApplied(containers('a', 'b', 'c'), containers('c', 'a'), deploymentSchema)), ['b', 'c', 'a']);
  assert.deepEqual(names(mergeApplied(containers('a', 'b'), containers('x'), deploymentSchema)), ['a', 'b', 'x']);
});

test('mergeApplied() merges structs per field and drops nulls', () => {
  assert.deepEqual(mergeApplied({ spec: { replicas: 1, paused: true } }, { spec: { replicas: 2, paused: null } }, deploymentSchema), { spec: { replicas: 2 } });
});

test('mergeApplied() replaces atomic values whole', () => {
  assert.deepEqual(
    mergeApplied({ spec: { selector: { matchLabels: { a: '1', b: '2' } } } }, { spec: { selector: { matchLabels: { a: '1' } } } }, deploymentSchema),
    { spec: { selector: { matchLabels: { a: '1' } } } },
  );
});
