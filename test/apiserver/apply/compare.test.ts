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

test('compareObjects() skips equal subtrees only where walking them could not throw', () => {
  const same = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } };
  const moved = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } };
  for (const skipEqual of [true, false]) {
    const c = compareObjects(same, moved, deploymentSchema, { skipEqual });
    assert.deepEqual(c.modified.paths().map(pathString), ['.spec.replicas']);
    assert.equal(c.added.isEmpty() && c.removed.isEmpty(), true);
  }
  // An unkeyable list map inside an equal subtree still fails the comparison, as the full walk does.
  const bad = { spec: { replicas: 1, template: { spec: { containers: [{ image: 'no-name' }] } } } };
  const badMoved = { spec: { replicas: 3, template: { spec: { containers: [{ image: 'no-name' }] } } } };
  const messages = [true, false].map((skipEqual) => {
    try {
      compareObjects(bad, badMoved, deploymentSchema, { skipEqual });
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  });
  assert.match(messages[0]!, /omits all key fields/);
  assert.equal(messages[0], messages[1]);
});
