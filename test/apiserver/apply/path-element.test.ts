import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePathElements, deserializePathElement, keyElement, pathString, serializePathElement } from '../../../src/apiserver/apply/path-element.js';

test('serializePathElement() writes keys sorted and HTML-escaped like Go', () => {
  assert.equal(serializePathElement(keyElement([['protocol', 'TCP'], ['containerPort', 80]])), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(serializePathElement({ kind: 'value', value: 'a<b' }), 'v:"a\\u003cb"');
  assert.equal(serializePathElement({ kind: 'index', index: 2 }), 'i:2');
});

test('deserializePathElement() reads what serializePathElement() writes and skips unknown kinds', () => {
  const pe = keyElement([['name', 'web']]);
  assert.deepEqual(deserializePathElement(serializePathElement(pe)), pe);
  assert.equal(deserializePathElement('x:whatever'), undefined);
  assert.throws(() => deserializePathElement('f'));
  assert.throws(() => deserializePathElement('k:{bad'));
});

test('comparePathElements() orders fields before keys, values and indexes', () => {
  const sorted = [{ kind: 'index' as const, index: 0 }, { kind: 'value' as const, value: 'x' }, keyElement([['a', 1]]), { kind: 'field' as const, name: 'z' }].sort(comparePathElements);
  assert.deepEqual(sorted.map((p) => p.kind), ['field', 'key', 'value', 'index']);
});

test('pathString() prints paths as conflict messages do', () => {
  assert.equal(
    pathString([{ kind: 'field', name: 'spec' }, { kind: 'field', name: 'ports' }, keyElement([['port', 80], ['protocol', 'TCP']]), { kind: 'field', name: 'name' }]),
    '.spec.ports[port=80,protocol="TCP"].name',
  );
  assert.equal(pathString([{ kind: 'field', name: 'finalizers' }, { kind: 'value', value: 'a' }]), '.finalizers[="a"]');
});
