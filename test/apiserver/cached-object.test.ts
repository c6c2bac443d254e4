import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedObject } from '../../src/apiserver/cached-object.js';
import type { KubeObject } from '../../src/api/index.js';

function pod(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels: { app: name } } };
}

function cached(name: string, obj?: KubeObject): CachedObject {
  const o = pod(name);
  return new CachedObject(`/pods/ns/${name}`, JSON.stringify(o), 1, obj);
}

test('the object handed in is the parsed form while it is recent', () => {
  const obj = pod('a');
  const c = cached('a', obj);
  assert.equal(c.obj, obj);
  assert.equal(c.obj, c.obj);
  assert.equal(c.name, 'a');
  assert.equal(c.namespace, 'ns');
  assert.deepEqual(c.labels, { app: 'a' });
});

test('an object parsed long ago is parsed again from its JSON, equal but not the same', () => {
  const obj = pod('old');
  const old = cached('old', obj);
  // Enough newer objects to push the old one's parsed form out, whatever the size of the window.
  const newer: CachedObject[] = [];
  for (let i = 0; i < 100_000; i++) newer.push(cached(`n${i}`));
  const again = old.obj;
  assert.notEqual(again, obj);
  assert.deepEqual(again, obj);
  // Once parsed again it is kept: the same instance comes back.
  assert.equal(old.obj, again);
  // The newest ones still hold what they were given.
  const last = newer[newer.length - 1];
  assert.equal(last.obj, last.obj);
});

test('a recent object keeps its parsed form while a few others come and go', () => {
  const obj = pod('keep');
  const c = cached('keep', obj);
  for (let i = 0; i < 10; i++) cached(`x${i}`);
  assert.equal(c.obj, obj);
});
