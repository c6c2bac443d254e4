import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from '../../../src/apiserver/patch/json-patch.js';
import type { KubeObject } from '../../../src/api/object.js';
import { rejects } from '../status-assertions.js';

function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'envoy' }] },
  };
}
const containers = (o: KubeObject): Array<Record<string, unknown>> => (o.spec as { containers: Array<Record<string, unknown>> }).containers;

test('applyJsonPatch() applies add, remove and replace', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'add', path: '/metadata/labels/tier', value: 'front' },
    { op: 'remove', path: '/metadata/labels/app' },
    { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' },
  ]);
  assert.deepEqual(out.metadata.labels, { tier: 'front' });
  assert.equal(containers(out)[0].image, 'nginx:2');
});

test('applyJsonPatch() inserts at an index and appends with -', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'add', path: '/spec/containers/1', value: { name: 'mid' } },
    { op: 'add', path: '/spec/containers/-', value: { name: 'last' } },
  ]);
  assert.deepEqual(containers(out).map((c) => c.name), ['a', 'mid', 'b', 'last']);
});

test('applyJsonPatch() applies move and copy', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' },
    { op: 'move', from: '/spec/containers/0', path: '/spec/containers/-' },
    { op: 'replace', path: '/metadata/annotations/app', value: 'copy' },
  ]);
  assert.deepEqual(containers(out).map((c) => c.name), ['b', 'a']);
  // the copy is a copy: changing it leaves the source alone
  assert.deepEqual(out.metadata.labels, { app: 'web' });
  assert.deepEqual(out.metadata.annotations, { app: 'copy' });
});

test('applyJsonPatch() passes a matching test and answers a failed one with 422', () => {
  const out = applyJsonPatch(pod(), [
    { op: 'test', path: '/metadata/labels', value: { app: 'web' } },
    { op: 'replace', path: '/metadata/name', value: 'web2' },
  ]);
  assert.equal(out.metadata.name, 'web2');
  const e = rejects(() => applyJsonPatch(pod(), [{ op: 'test', path: '/metadata/name', value: 'other' }]), 422, 'the server rejected our request due to an error in our request');
  assert.equal(e.reason, 'Invalid');
  assert.deepEqual(e.status.details, {});
});

test('applyJsonPatch() treats a null test against an absent member as a match, as Kubernetes does', () => {
  const out = applyJsonPatch(pod(), [{ op: 'test', path: '/metadata/namespace', value: null }]);
  assert.equal(out.metadata.name, 'web');
  rejects(() => applyJsonPatch(pod(), [{ op: 'test', path: '/metadata/name', value: null }]), 422);
  rejects(() => applyJsonPatch(pod(), [{ op: 'test', path: '/nothing/here', value: null }]), 422);
});

test('applyJsonPatch() answers 422 for operations that cannot apply', () => {
  const cases: unknown[][] = [
    [{ op: 'remove', path: '/metadata/annotations' }],
    [{ op: 'replace', path: '/spec/nodeName', value: 'n1' }],
    [{ op: 'add', path: '/spec/missing/deeper', value: 1 }],
    [{ op: 'add', path: '/spec/containers/5', value: {} }],
    [{ op: 'remove', path: '/spec/containers/-' }],
    [{ op: 'move', from: '/spec/nope', path: '/spec/x' }],
    [{ op: 'move', from: '/spec', path: '/spec/inner' }],
    [{ op: 'frobnicate', path: '/spec' }],
    [{ path: '/spec' }],
    [{ op: 'add', value: 1 }],
    [{ op: 'replace', path: '', value: {} }],
    [{ op: 'copy', from: '', path: '/spec/self' }],
    [{ op: 'add', path: '/__proto__/polluted', value: true }],
    [null],
  ];
  for (const patch of cases) rejects(() => applyJsonPatch(pod(), patch), 422);
});

test('applyJsonPatch() answers 400 for a document that is not a list of operations', () => {
  rejects(() => applyJsonPatch(pod(), { op: 'add' }), 400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  rejects(() => applyJsonPatch(pod(), 'add'), 400, 'json: cannot unmarshal string into Go value of type jsonpatch.Patch');
  rejects(() => applyJsonPatch(pod(), [1]), 400, 'json: cannot unmarshal number into Go value of type jsonpatch.Operation');
});

test('applyJsonPatch() treats a null or empty document as no change', () => {
  assert.deepEqual(applyJsonPatch(pod(), null), pod());
  assert.deepEqual(applyJsonPatch(pod(), []), pod());
});

test('applyJsonPatch() answers 413 past the operation limit', () => {
  const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
  rejects(() => applyJsonPatch(pod(), ops), 413, `Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001`);
  assert.equal(applyJsonPatch(pod(), ops.slice(1)).kind, 'Pod');
});

test('applyJsonPatch() mutates neither input, even when an operation fails midway', () => {
  const original = pod();
  const value = { name: 'c', env: [{ name: 'X' }] };
  const patch = [{ op: 'add', path: '/spec/containers/-', value }];
  const out = applyJsonPatch(original, patch);
  assert.deepEqual(original, pod());
  (containers(out)[2].env as Array<Record<string, unknown>>)[0].name = 'changed';
  assert.deepEqual(value, { name: 'c', env: [{ name: 'X' }] });
  rejects(() => applyJsonPatch(original, [{ op: 'remove', path: '/metadata/labels' }, { op: 'test', path: '/kind', value: 'Node' }]), 422);
  assert.deepEqual(original, pod());
});
