import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch, decodePatch, patchTypeFromContentType } from '../../../src/apiserver/patch/index.js';
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/object.js';
import type { SchemaNode } from '../../../src/api/schema.js';

const leaf: SchemaNode = { field: () => undefined, items: () => undefined, values: () => undefined };
const finalizers: SchemaNode = { type: 'array', patchStrategy: 'merge', field: () => undefined, items: () => leaf, values: () => undefined };
const meta: SchemaNode = { type: 'object', field: (n) => (n === 'finalizers' ? finalizers : undefined), items: () => undefined, values: () => undefined };
const root: SchemaNode = { type: 'object', field: (n) => (n === 'metadata' ? meta : undefined), items: () => undefined, values: () => undefined };

const cm = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a'] }, data: { k: 'v' } });

test('applyPatch() dispatches on the patch type', () => {
  const add = { metadata: { finalizers: ['b'] } };
  assert.deepEqual(applyPatch('merge', cm(), add, root).metadata.finalizers, ['b']);
  assert.deepEqual(applyPatch('strategic', cm(), add, root).metadata.finalizers, ['b', 'a']);
  assert.deepEqual(applyPatch('json', cm(), [{ op: 'add', path: '/metadata/finalizers/-', value: 'b' }], root).metadata.finalizers, ['a', 'b']);
});

test('applyPatch() refuses strategic merge patch without a schema with 415 but not the others', () => {
  assert.throws(() => applyPatch('strategic', cm(), {}, undefined), (e: unknown) => e instanceof StatusError && e.code === 415);
  assert.deepEqual(applyPatch('merge', cm(), { data: null }, undefined).data, undefined);
});

test('applyPatch() works from a request Content-Type and body', () => {
  const type = patchTypeFromContentType('application/strategic-merge-patch+json; charset=utf-8');
  assert.equal(type, 'strategic');
  const out = applyPatch(type!, cm(), decodePatch(type!, '{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}'), root);
  assert.deepEqual(out.metadata.finalizers, []);
});

test('applyPatch() rejects an unknown patch type with RangeError', () => {
  assert.throws(() => applyPatch('apply' as never, cm(), {}, root), RangeError);
});
