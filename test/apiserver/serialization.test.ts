import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeForStorage, encodeStored } from '../../src/apiserver/serialization.js';
import type { KubeObject } from '../../src/api/index.js';
import { fieldsV1TextOf, setFieldsV1Text } from '../../src/apiserver/apply/lazy-fields-v1.js';

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

test('encodeForStorage() writes a fieldsV1 held as text without parsing it, and the entry stays an ordinary one to read', () => {
  const fieldsV1 = '{"f:data":{".":{},"f:a":{}},"f:metadata":{"f:labels":{".":{},"f:k":{}}}}';
  const entry: Record<string, unknown> = { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} };
  setFieldsV1Text(entry, fieldsV1);
  entry.subresource = 'status';
  const other = { manager: 'other', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } };
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', managedFields: [other, entry], labels: { k: 'v' }, resourceVersion: '3' },
    data: { a: 'b' },
  } as unknown as KubeObject;
  const text = encodeForStorage(obj);
  assert.equal(fieldsV1TextOf(entry), fieldsV1, 'serializing does not read the property');
  // managedFields moves to the end of metadata; every entry keeps its own key order.
  assert.equal(
    text,
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"k":"v"},"managedFields":[' +
      '{"manager":"other","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}},' +
      `{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":${fieldsV1},"subresource":"status"}` +
      ']},"data":{"a":"b"}}',
  );
  // Reading the property parses the text once; from then on it is a plain value, and serializes as one.
  const parsed = entry.fieldsV1;
  assert.deepEqual(parsed, JSON.parse(fieldsV1));
  assert.equal(entry.fieldsV1, parsed);
  assert.equal(fieldsV1TextOf(entry), undefined);
  assert.deepEqual(JSON.parse(encodeForStorage(obj)), JSON.parse(text));
  // A write replaces the text too.
  const replaced: Record<string, unknown> = { manager: 'm', fieldsV1: {} };
  setFieldsV1Text(replaced, fieldsV1);
  replaced.fieldsV1 = { 'f:x': {} };
  assert.equal(fieldsV1TextOf(replaced), undefined);
  assert.equal(JSON.stringify(replaced), '{"manager":"m","fieldsV1":{"f:x":{}}}');
});

test('encodeForStorage() with a fieldsV1 held as text: empty metadata and nothing after it', () => {
  const entry: Record<string, unknown> = { manager: 'm', fieldsV1: {} };
  setFieldsV1Text(entry, '{"f:metadata":{}}');
  const obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { managedFields: [entry] } } as unknown as KubeObject;
  assert.equal(encodeForStorage(obj), '{"apiVersion":"v1","kind":"Namespace","metadata":{"managedFields":[{"manager":"m","fieldsV1":{"f:metadata":{}}}]}}');
  assert.equal(encodeStored(encodeForStorage(obj), 4), '{"apiVersion":"v1","kind":"Namespace","metadata":{"resourceVersion":"4","managedFields":[{"manager":"m","fieldsV1":{"f:metadata":{}}}]}}');
});
