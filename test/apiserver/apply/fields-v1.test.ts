import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import { decodeFieldsV1, encodeFieldsV1 } from '../../../src/apiserver/apply/fields-v1.js';
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
