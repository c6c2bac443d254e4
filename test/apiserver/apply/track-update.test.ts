import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { serverSideApply } from '../../../src/apiserver/apply/server-side-apply.js';
import { trackUpdate } from '../../../src/apiserver/apply/track-update.js';
import { deploymentSchema as schema } from './deployment-schema.js';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:05:00Z';

function deployment(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

const opts = (manager: string, now = T0) => ({ manager, apiVersion: 'apps/v1', now, schema });

function created(manager = 'creator'): KubeObject {
  const obj = deployment({ replicas: 1, paused: false }, { labels: { app: 'web' } });
  trackUpdate(undefined, obj, opts(manager));
  return obj;
}

test('trackUpdate() gives every field of a created object to its creator', () => {
  const obj = created();
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'creator',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:paused': {}, 'f:replicas': {} } },
    },
  ]);
});

test('trackUpdate() moves a changed field to the writer and drops emptied entries', () => {
  const old = created();
  const next = structuredClone(old);
  (next.spec as { replicas: number }).replicas = 3;
  trackUpdate(old, next, opts('scaler', T1));
  const byName = Object.fromEntries(next.metadata.managedFields!.map((e) => [e.manager, e]));
  assert.deepEqual(byName.scaler.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal(byName.scaler.time, T1);
  assert.deepEqual(byName.creator.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:paused': {} } });
  assert.equal(byName.creator.time, T0);
  // Entries come out oldest first.
  assert.deepEqual(next.metadata.managedFields!.map((e) => e.manager), ['creator', 'scaler']);
});

test('trackUpdate() takes ownership from an applier', () => {
  const applied = serverSideApply(undefined, deployment({ replicas: 2 }), { ...opts('kubectl'), force: false });
  const next = structuredClone(applied);
  (next.spec as { replicas: number }).replicas = 4;
  trackUpdate(applied, next, opts('hpa', T1));
  assert.deepEqual(next.metadata.managedFields!.map((e) => [e.manager, e.operation]), [['hpa', 'Update']]);
});

test('trackUpdate() removes a deleted field from its owner', () => {
  const old = created();
  const next = structuredClone(old);
  delete (next.spec as { paused?: boolean }).paused;
  trackUpdate(old, next, opts('editor', T1));
  const creator = next.metadata.managedFields!.find((e) => e.manager === 'creator')!;
  assert.deepEqual(creator.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:replicas': {} } });
  assert.equal(next.metadata.managedFields!.some((e) => e.manager === 'editor'), false);
});

test('trackUpdate() leaves entries and times alone when nothing changed', () => {
  const old = created();
  const next = structuredClone(old);
  trackUpdate(old, next, opts('creator', T1));
  assert.deepEqual(next.metadata.managedFields, old.metadata.managedFields);
});

test('trackUpdate() keeps stored entries when the request omits or garbles managedFields', () => {
  const old = created();
  for (const garbage of [undefined, [{ manager: 'x', operation: 'Delete', apiVersion: 'v1', fieldsType: 'FieldsV1' }], [{ manager: 'x', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:a': 'nope' } }]]) {
    const next = structuredClone(old);
    next.metadata.managedFields = garbage as KubeObject['metadata']['managedFields'];
    trackUpdate(old, next, opts('creator', T1));
    assert.deepEqual(next.metadata.managedFields, old.metadata.managedFields);
  }
});

test('trackUpdate() accepts entries a client rewrites', () => {
  const old = created();
  const next = structuredClone(old);
  next.metadata.managedFields = [{ manager: 'other', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  trackUpdate(old, next, opts('creator', T1));
  assert.deepEqual(next.metadata.managedFields!.map((e) => e.manager), ['other']);
});

test('trackUpdate() clears tracking for managedFields: [] and [{}], and an untracked object stays untracked', () => {
  for (const reset of [[], [{}]]) {
    const old = created();
    const next = structuredClone(old);
    next.metadata.managedFields = reset;
    (next.spec as { replicas: number }).replicas = 9;
    trackUpdate(old, next, opts('editor', T1));
    assert.equal(next.metadata.managedFields, undefined);
    const again = structuredClone(next);
    (again.spec as { replicas: number }).replicas = 10;
    trackUpdate(next, again, opts('editor', T1));
    assert.equal(again.metadata.managedFields, undefined);
  }
});

test('trackUpdate() on a subresource ignores managedFields sent with it', () => {
  const old = created();
  const next = structuredClone(old);
  next.metadata.managedFields = [];
  next.status = { replicas: 1 };
  trackUpdate(old, next, { ...opts('kubelet', T1), subresource: 'status' });
  const e = next.metadata.managedFields!.find((x) => x.manager === 'kubelet')!;
  assert.equal(e.subresource, 'status');
  assert.deepEqual(e.fieldsV1, { 'f:status': { '.': {}, 'f:replicas': {} } });
  assert.ok(next.metadata.managedFields!.some((x) => x.manager === 'creator'));
});

test('trackUpdate() folds the oldest of more than ten updaters into ancient-changes', () => {
  let obj = created('m0');
  for (let i = 1; i <= 11; i++) {
    const next = structuredClone(obj);
    next.metadata.labels = { ...next.metadata.labels, [`l${i}`]: 'x' };
    trackUpdate(obj, next, opts(`m${i}`, `2024-01-01T00:${String(i).padStart(2, '0')}:00Z`));
    obj = next;
  }
  const names = obj.metadata.managedFields!.map((e) => e.manager);
  assert.equal(names.length, 10);
  assert.ok(names.includes('ancient-changes'));
  assert.ok(!names.includes('m0') && !names.includes('m1'));
});
