import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/index.js';
import { FreshObjects } from '../../../../src/catalog/controllers/internal/fresh-objects.js';

const obj = (rv: string, uid = 'u1'): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { name: 'a', namespace: 'ns', uid, resourceVersion: rv } });

test('FreshObjects.fresh() prefers its own newer write until the informer catches up', () => {
  const f = new FreshObjects();
  f.remember(obj('10'));
  assert.equal(f.fresh(obj('9')).metadata.resourceVersion, '10');
  assert.equal(f.fresh(obj('10')).metadata.resourceVersion, '10');
  // Caught up: the written copy is forgotten, so a later older copy is taken as it is.
  assert.equal(f.fresh(obj('9')).metadata.resourceVersion, '9');
  f.remember(obj('20'));
  assert.equal(f.fresh(obj('5', 'u2')).metadata.uid, 'u2', 'a recreated object is another object');
});
