import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goFormat, goTypeName, jsonKindName } from '../../../src/apiserver/patch/go-format.js';

test('goFormat() prints maps with sorted keys and lists space-separated, as Go %v does', () => {
  assert.equal(goFormat({ name: 'web', image: 'nginx', ports: [80, 443] }), 'map[image:nginx name:web ports:[80 443]]');
  assert.equal(goFormat([{ b: true }, null, 'x']), '[map[b:true] <nil> x]');
  assert.equal(goFormat({}), 'map[]');
});

test('goFormat() prints numbers as Go prints int64 and float64', () => {
  assert.equal(goFormat(3), '3');
  assert.equal(goFormat(1.5), '1.5');
  assert.equal(goFormat(1e21), '1e+21');
  assert.equal(goFormat(0.00001), '1e-05');
});

test('goTypeName() names the Go type of a decoded JSON value', () => {
  assert.equal(goTypeName('x'), 'string');
  assert.equal(goTypeName(1), 'int64');
  assert.equal(goTypeName(1.5), 'float64');
  assert.equal(goTypeName([]), '[]interface {}');
  assert.equal(goTypeName({}), 'map[string]interface {}');
  assert.equal(goTypeName(null), '%!s(<nil>)');
});

test('jsonKindName() names JSON kinds as Go decoding errors do', () => {
  assert.deepEqual([[], {}, 'a', 1, true, null].map(jsonKindName), ['array', 'object', 'string', 'number', 'bool', 'null']);
});
