import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareObjects } from '../../../src/apiserver/apply/compare.js';
import { pathString } from '../../../src/apiserver/apply/path-element.js';
import { deploymentSchema } from './deployment-schema.js';

test('compareObjects() reports added, modified and removed paths', () => {
  const c = compareObjects(
    { spec: { replicas: 1, paused: true, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } },
    { spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'y' }, { name: 'b' }] } } } },
    deploymentSchema,
  );
  assert.deepEqual(c.modified.paths().map(pathString), ['.spec.replicas', '.spec.template.spec.containers[name="a"].image']);
  assert.deepEqual(c.removed.paths().map(pathString), ['.spec.paused']);
  assert.deepEqual(c.added.paths().map(pathString), ['.spec.template.spec.containers[name="b"]', '.spec.template.spec.containers[name="b"].name']);
});

test('compareObjects() sees an atomic value change as one modified leaf', () => {
  const c = compareObjects({ spec: { selector: { matchLabels: { a: '1' } } } }, { spec: { selector: { matchLabels: { a: '2' } } } }, deploymentSchema);
  assert.deepEqual(c.modified.paths().map(pathString), ['.spec.selector']);
});
