import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import { decodeFieldsV1, decodeFieldsV1Shared, encodeFieldsV1, encodeFieldsV1Shared, knownFieldsV1, markCanonicalFieldsV1 } from '../../../src/apiserver/apply/fields-v1.js';
import { keyElement } from '../../../src/apiserver/apply/path-element.js';
import type { PathElement } from '../../../src/apiserver/apply/path-element.js';
import { pathString } from '../../../src/apiserver/apply/path-element.js';
import { compareObjects } from '../../../src/apiserver/apply/compare.js';
import { deploymentSchema } from './deployment-schema.js';
import { randomValue, rng } from './random-objects.js';

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

test('a canonical fieldsV1 read lazily is the set the decoder reads, for every operation', () => {
  const r = rng(42);
  const sets: FieldSet[] = [];
  for (let i = 0; i < 40; i++) {
    const obj = randomValue(r, deploymentSchema, 6) as Record<string, unknown>;
    try {
      sets.push(compareObjects({}, obj, deploymentSchema).added);
    } catch {
      // Random lists that cannot be keyed have no set.
    }
  }
  assert.ok(sets.length > 20);
  const text = (s: FieldSet): string => JSON.stringify(encodeFieldsV1(s)) + s.paths().map(pathString).join(' ');
  for (let i = 0; i < sets.length; i++) {
    const raw = structuredClone(encodeFieldsV1(sets[i]!));
    markCanonicalFieldsV1(raw);
    const lazy = decodeFieldsV1Shared(raw);
    const eager = decodeFieldsV1(structuredClone(raw));
    const other = sets[(i + 1) % sets.length]!;
    assert.equal(text(lazy.difference(other)), text(eager.difference(other)));
    assert.equal(text(other.difference(lazy)), text(other.difference(eager)));
    assert.equal(text(lazy.union(other)), text(eager.union(other)));
    assert.equal(text(lazy.intersection(other)), text(eager.intersection(other)));
    assert.equal(lazy.isEmpty(), eager.isEmpty());
    assert.equal(text(lazy), text(eager));
    assert.equal(encodeFieldsV1Shared(lazy), raw);
  }
});

test('a stored fieldsV1 is reused as written only when it is exactly the canonical encoding', () => {
  const canonicalOnes = [
    {},
    { 'f:a': {} },
    { 'f:a': { '.': {}, 'f:b': {} }, 'f:c': { 'k:{"name":"x","port":1}': { '.': {}, 'f:name': {} }, 'v:"z"': {} } },
  ];
  const others = [
    { '.': {}, 'f:a': {} },
    { 'f:b': {}, 'f:a': {} },
    { 'f:a': { '.': {} } },
    { 'f:a': { 'f:b': {}, '.': {} } },
    { 'f:a': { '.': { x: {} }, 'f:b': {} } },
    { 'f:a': {}, 'z:future': {} },
    { 'k:{"port":1,"name":"x"}': {} },
    { 'v:"b"': {}, 'v:"a"': {} },
    { 'f:a': {}, 'k:{"name":"x"}': {}, 'f:b': {} },
  ];
  for (const raw of canonicalOnes) {
    const copy = structuredClone(raw);
    assert.equal(encodeFieldsV1Shared(decodeFieldsV1Shared(copy)), copy, JSON.stringify(raw));
  }
  for (const raw of others) {
    const copy = structuredClone(raw);
    const out = encodeFieldsV1Shared(decodeFieldsV1Shared(copy));
    assert.notEqual(out, copy, JSON.stringify(raw));
    assert.equal(JSON.stringify(out), JSON.stringify(encodeFieldsV1(decodeFieldsV1(structuredClone(raw)))), JSON.stringify(raw));
  }
});
