import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from '../../../src/apiserver/apply/field-set.js';
import type { PathElement } from '../../../src/apiserver/apply/path-element.js';
import { pathString } from '../../../src/apiserver/apply/path-element.js';

const p = (...names: string[]): PathElement[] => names.map((name) => ({ kind: 'field', name }));

test('FieldSet union, difference and intersection work per path', () => {
  const a = FieldSet.of(p('spec', 'replicas'), p('spec', 'paused'));
  const b = FieldSet.of(p('spec', 'replicas'), p('metadata', 'labels'));
  assert.deepEqual(a.union(b).paths().map(pathString), ['.metadata.labels', '.spec.paused', '.spec.replicas']);
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.spec.paused']);
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.spec.replicas']);
});

test('FieldSet difference by a member keeps the paths below it', () => {
  const a = FieldSet.of(p('spec'), p('spec', 'replicas'));
  assert.deepEqual(a.difference(FieldSet.of(p('spec'))).paths().map(pathString), ['.spec.replicas']);
});

test('FieldSet has() and isEmpty() see members only', () => {
  const a = FieldSet.of(p('spec', 'replicas'));
  assert.equal(a.has(p('spec')), false);
  assert.equal(a.has(p('spec', 'replicas')), true);
  assert.equal(new FieldSet().isEmpty(), true);
  assert.equal(a.difference(a).isEmpty(), true);
});

test('FieldSet operations return an operand when nothing changes, and clone() is independent', () => {
  const a = FieldSet.of(p('spec', 'replicas'), p('spec', 'paused'), p('metadata', 'labels'));
  const none = FieldSet.of(p('status', 'phase'));
  assert.equal(a.difference(none), a);
  assert.equal(a.difference(new FieldSet()), a);
  assert.equal(a.union(FieldSet.of(p('spec', 'paused'))), a);
  assert.equal(new FieldSet().union(a), a);
  const smaller = a.difference(FieldSet.of(p('spec', 'paused')));
  assert.notEqual(smaller, a);
  assert.deepEqual(smaller.paths().map(pathString), ['.metadata.labels', '.spec.replicas']);
  assert.deepEqual(a.paths().map(pathString), ['.metadata.labels', '.spec.paused', '.spec.replicas']);
  const copy = a.clone();
  copy.insert(p('spec', 'template'));
  assert.equal(a.has(p('spec', 'template')), false);
  assert.equal(copy.has(p('spec', 'template')), true);
});
