import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../../src/api/index.js';
import { Store, type Informer } from '../../../../src/client/index.js';
import { FreshObjects } from '../../../../src/controllers/volume/binder/fresh-objects.js';

function obj(rv: string, uid = 'u1', note = ''): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv', uid, resourceVersion: rv }, note };
}

function setup(): { store: Store; fresh: FreshObjects<KubeObject> } {
  const store = new Store();
  return { store, fresh: new FreshObjects({ store } as unknown as Informer) };
}

test('FreshObjects.get() prefers a remembered write newer than the informer copy', () => {
  const { store, fresh } = setup();
  store.upsert(obj('5', 'u1', 'cached'));
  fresh.remember('pv', obj('7', 'u1', 'mine'));
  assert.equal(fresh.get('pv')?.note, 'mine');
  assert.equal(fresh.list()[0].note, 'mine');
  // Once the informer catches up, its copy is used again.
  store.upsert(obj('8', 'u1', 'caught up'));
  assert.equal(fresh.get('pv')?.note, 'caught up');
});

test('FreshObjects.get() never masks a deletion or a replacement', () => {
  const { store, fresh } = setup();
  store.upsert(obj('5'));
  fresh.remember('pv', obj('7'));
  store.delete('pv');
  assert.equal(fresh.get('pv'), undefined);
  store.upsert(obj('9', 'u2', 'namesake'));
  fresh.remember('pv', obj('10', 'u1', 'old'));
  assert.equal(fresh.get('pv')?.note, 'namesake');
});
