import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeForStorage, encodeStored } from '../../src/apiserver/serialization.js';
import type { KubeObject } from '../../src/api/index.js';

test('encodeForStorage() puts apiVersion, kind and metadata first and drops resourceVersion', () => {
  const obj = { data: { a: 'b' }, metadata: { name: 'x', resourceVersion: '12', uid: 'u' }, kind: 'ConfigMap', apiVersion: 'v1' } as KubeObject;
  const text = encodeForStorage(obj);
  assert.equal(text, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","uid":"u"},"data":{"a":"b"}}');
  assert.equal(obj.metadata.resourceVersion, '12', 'the input is not changed');
});

test('encodeStored() adds the revision as resourceVersion without reparsing', () => {
  const stored = encodeForStorage({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { metadata: 'inner' } });
  const out = encodeStored(stored, 42);
  assert.equal(out, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"resourceVersion":"42","name":"x"},"data":{"metadata":"inner"}}');
  assert.deepEqual(JSON.parse(out).metadata, { resourceVersion: '42', name: 'x' });
});

test('encodeStored() handles empty metadata and values without a metadata object', () => {
  assert.deepEqual(JSON.parse(encodeStored('{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}', 7)).metadata, { resourceVersion: '7' });
  const bare = JSON.parse(encodeStored('{"apiVersion":"v1","kind":"ConfigMap"}', 9));
  assert.deepEqual(bare, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '9' } });
});

test('encodeStored() of encodeForStorage() round-trips an object', () => {
  const obj: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { 'a"b': 'c\\d' }, resourceVersion: '1' },
    spec: { replicas: 2, note: '"metadata":{' },
  };
  const back = JSON.parse(encodeStored(encodeForStorage(obj), 5)) as KubeObject;
  assert.deepEqual(back, { ...obj, metadata: { ...obj.metadata, resourceVersion: '5' } });
});
