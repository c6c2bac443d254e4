import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import { decodeFieldsV1, decodeFieldsV1Shared, encodeFieldsV1, encodeFieldsV1Shared, knownFieldsV1, markCanonicalFieldsV1 } from '../../../src/apiserver/apply/fields-v1.js';
import { keyElement } from '../../../src/apiserver/apply/path-element.js';
import type { PathElement } from '../../../src/apiserver/apply/path-element.js';

const f = (name: string): PathElement => ({ kind: 'field', name });

test('encodeFieldsV1() nests with "." for an element that is also a member, in upstream order', () => {
  const web = keyElement([['name', 'web']]);
  const set = FieldSet.of([f('containers'), web], [f('containers'), web, f('name')], [f('containers'), web, f('image')]);
  assert.equal(
    JSON.stringify(encodeFieldsV1(set)),
    '{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}',
  );
});

test('decodeFieldsV1() reads leaves as members and round-trips', () => {
  const raw = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} }, 'z:future': {} };
  const set = decodeFieldsV1(raw);
  assert.equal(set.has([f('spec'), f('replicas')]), true);
  assert.equal(set.has([f('metadata'), f('labels')]), true);
  assert.equal(set.has([f('metadata')]), false);
  assert.deepEqual(encodeFieldsV1(set), { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
});

test('decodeFieldsV1() rejects what is not a trie', () => {
  assert.throws(() => decodeFieldsV1('x'));
  assert.throws(() => decodeFieldsV1({ 'f:a': 1 }));
  assert.throws(() => decodeFieldsV1({ 'k:{': {} }));
});

test('the shared forms remember sets both ways, and a client fieldsV1 still encodes canonically', () => {
  const set = FieldSet.of([f('spec'), f('replicas')]);
  const raw = encodeFieldsV1Shared(set);
  assert.equal(encodeFieldsV1Shared(set), raw);
  assert.equal(decodeFieldsV1Shared(raw), set);
  assert.equal(knownFieldsV1(raw), set);
  // Out of order, with a needless "." and an unknown key: decoding is remembered, the encoding is not this object.
  const client = { 'f:spec': { 'f:replicas': { '.': {} } }, 'f:metadata': { 'f:labels': {} }, 'z:x': {} };
  const decoded = decodeFieldsV1Shared(client);
  assert.equal(decodeFieldsV1Shared(client), decoded);
  const encoded = encodeFieldsV1Shared(decoded);
  assert.notEqual(encoded, client);
  assert.equal(JSON.stringify(encoded), '{"f:metadata":{"f:labels":{}},"f:spec":{"f:replicas":{}}}');
  // A direct encoder's output counts as canonical once marked.
  const direct = { 'f:spec': { 'f:replicas': {} } };
  markCanonicalFieldsV1(direct);
  assert.equal(encodeFieldsV1Shared(decodeFieldsV1Shared(direct)), direct);
});
