import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { namespaceIndex, objectKey, splitKey, Store } from '../../src/client/store.js';
import { pod } from './fixtures.js';

const byNode = (p: KubeObject): string[] => {
  const node = (p.spec as { nodeName?: string } | undefined)?.nodeName;
  return node ? [node] : [];
};

test('objectKey() and splitKey() round-trip namespaced and cluster-scoped keys', () => {
  assert.equal(objectKey(pod('web', undefined, 'prod')), 'prod/web');
  assert.equal(objectKey({ metadata: { name: 'node-1' } }), 'node-1');
  assert.deepEqual(splitKey('prod/web'), { namespace: 'prod', name: 'web' });
  assert.deepEqual(splitKey('node-1'), { name: 'node-1' });
  assert.throws(() => splitKey('a/b/c'), RangeError);
  assert.throws(() => objectKey({ metadata: {} }), TypeError);
});

test('Store files objects under their indexes and moves them when they change', () => {
  const store = new Store({ byNode });
  store.upsert(pod('a', 'n1'));
  store.upsert(pod('b', 'n1'));
  store.upsert(pod('c', 'n2', 'other'));
  store.upsert(pod('pending'));
  assert.equal(store.size, 4);
  assert.deepEqual(store.byIndex('byNode', 'n1').map((p) => p.metadata.name).sort(), ['a', 'b']);
  assert.deepEqual(store.indexKeys('byNode', 'n2'), ['other/c']);
  assert.deepEqual(store.indexValues('byNode').sort(), ['n1', 'n2']);
  assert.deepEqual(store.byIndex(namespaceIndex, 'other').map((p) => p.metadata.name), ['c']);

  const old = store.upsert(pod('a', 'n2'));
  assert.equal((old?.spec as { nodeName: string }).nodeName, 'n1');
  assert.deepEqual(store.indexKeys('byNode', 'n1'), ['default/b']);
  assert.deepEqual(store.indexKeys('byNode', 'n2').sort(), ['default/a', 'other/c']);

  assert.equal(store.delete('default/b')?.metadata.name, 'b');
  assert.equal(store.delete('default/b'), undefined);
  assert.deepEqual(store.indexValues('byNode').sort(), ['n2'], 'empty index values are dropped');
  assert.equal(store.getByName('other', 'c')?.metadata.name, 'c');
  assert.equal(store.get('default/pending')?.metadata.name, 'pending');
});

test('Store.addIndexers() indexes objects already stored and refuses duplicates and unknown indexes', () => {
  const store = new Store();
  store.upsert(pod('a', 'n1'));
  store.addIndexers({ byNode });
  assert.deepEqual(store.indexKeys('byNode', 'n1'), ['default/a']);
  assert.throws(() => store.addIndexers({ byNode }), RangeError);
  assert.throws(() => store.byIndex('nope', 'x'), RangeError);
  store.clear();
  assert.equal(store.size, 0);
  assert.deepEqual(store.indexKeys('byNode', 'n1'), []);
});
