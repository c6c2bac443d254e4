import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch, withoutNulls } from '../../../src/apiserver/patch/merge-patch.js';
import type { KubeObject } from '../../../src/api/object.js';
import { rejects } from '../status-assertions.js';

function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b' }], nodeSelector: { zone: 'a' } },
  };
}

test('applyMergePatch() merges objects recursively and deletes members set to null', () => {
  const out = applyMergePatch(pod(), { metadata: { labels: { tier: null, env: 'prod' } }, spec: { nodeSelector: null } });
  assert.deepEqual(out.metadata.labels, { app: 'web', env: 'prod' });
  assert.deepEqual(out.spec, { containers: [{ name: 'a', image: 'nginx' }, { name: 'b' }] });
});

test('applyMergePatch() replaces lists whole', () => {
  const out = applyMergePatch(pod(), { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } });
  assert.deepEqual((out.spec as Record<string, unknown>).containers, [{ name: 'a', image: 'nginx:2' }]);
});

test('applyMergePatch() drops nulls inside values it adds, and keeps them in lists', () => {
  const out = applyMergePatch(pod(), { spec: { affinity: { nodeAffinity: null, podAffinity: { x: 1, y: null } }, nodeSelector: 'flat' } });
  const spec = out.spec as Record<string, unknown>;
  assert.deepEqual(spec.affinity, { podAffinity: { x: 1 } });
  assert.equal(spec.nodeSelector, 'flat');
  assert.deepEqual(withoutNulls([null, { a: null, b: [{ c: null }] }]), [null, { b: [{}] }]);
});

test('applyMergePatch() answers 400 for a null patch and 422 for a patch that is not an object', () => {
  rejects(() => applyMergePatch(pod(), null), 400, 'Invalid JSON Patch');
  const e = rejects(() => applyMergePatch(pod(), [1]), 422);
  assert.equal(e.reason, 'Invalid');
  assert.match(e.message, /^ "" is invalid: patch: Invalid value: "\[1\]": couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value/);
});

test('applyMergePatch() mutates neither input and shares nothing with them', () => {
  const original = pod();
  const patch = { metadata: { annotations: { a: 'b' } }, spec: { containers: [{ name: 'x', env: [{ name: 'E' }] }] } };
  const out = applyMergePatch(original, patch);
  assert.deepEqual(original, pod());
  (out.metadata.annotations as Record<string, string>).a = 'changed';
  (out.metadata.labels as Record<string, string>).app = 'changed';
  ((out.spec as { containers: Array<{ env: Array<{ name: string }> }> }).containers[0].env[0]).name = 'changed';
  assert.deepEqual(original, pod());
  assert.deepEqual(patch, { metadata: { annotations: { a: 'b' } }, spec: { containers: [{ name: 'x', env: [{ name: 'E' }] }] } });
});
