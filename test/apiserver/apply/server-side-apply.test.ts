import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/object.js';
import { serverSideApply } from '../../../src/apiserver/apply/server-side-apply.js';
import { trackUpdate } from '../../../src/apiserver/apply/track-update.js';
import { deploymentSchema as schema } from './deployment-schema.js';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';

function deployment(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

const apply = (live: KubeObject | undefined, applied: KubeObject, manager: string, force = false, now = T0): KubeObject =>
  serverSideApply(live, applied, { manager, apiVersion: 'apps/v1', now, schema, force });

function entry(obj: KubeObject, manager: string, operation = 'Apply') {
  return obj.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);
}

const webContainer = { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }] };

test('serverSideApply() creates the object and records exactly the applied fields', () => {
  const obj = apply(undefined, deployment({ replicas: 2, template: { spec: { containers: [webContainer] } } }, { labels: { app: 'web' } }), 'kubectl');
  assert.equal((obj.spec as { replicas: number }).replicas, 2);
  assert.deepEqual(obj.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:template': {
            'f:spec': {
              'f:containers': {
                'k:{"name":"web"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
});

test('serverSideApply() serializes the simplest set as {"f:spec":{"f:replicas":{}}}', () => {
  const obj = apply(undefined, deployment({ replicas: 1 }), 'm');
  assert.equal(JSON.stringify(entry(obj, 'm')!.fieldsV1), '{"f:spec":{"f:replicas":{}}}');
});

test('serverSideApply() leaves live untouched', () => {
  const live = apply(undefined, deployment({ replicas: 1 }), 'm');
  const snapshot = structuredClone(live);
  apply(live, deployment({ replicas: 3 }), 'm');
  assert.deepEqual(live, snapshot);
});

test('serverSideApply() removes a field the manager stops applying', () => {
  const live = apply(undefined, deployment({ replicas: 2, paused: true }, { labels: { app: 'web', tier: 'front' } }), 'm');
  const next = apply(live, deployment({ replicas: 2 }, { labels: { app: 'web' } }), 'm', false, T1);
  assert.deepEqual(next.spec, { replicas: 2 });
  assert.deepEqual(next.metadata.labels, { app: 'web' });
  assert.deepEqual(entry(next, 'm')!.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
  assert.equal(entry(next, 'm')!.time, T1);
  assert.equal(next.metadata.name, 'web');
});

test('serverSideApply() removes a list-map item the manager stops applying, keeping the others', () => {
  const side = { name: 'side', image: 'busybox' };
  const live = apply(undefined, deployment({ template: { spec: { containers: [webContainer, side] } } }), 'm');
  const next = apply(live, deployment({ template: { spec: { containers: [webContainer] } } }), 'm');
  assert.deepEqual((next.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers, [webContainer]);
});

test('serverSideApply() keeps a field another manager still owns', () => {
  const a = apply(undefined, deployment({ replicas: 2, paused: true }), 'a');
  const b = apply(a, deployment({ paused: true }), 'b');
  const next = apply(b, deployment({ replicas: 2 }), 'a');
  assert.deepEqual(next.spec, { replicas: 2, paused: true });
  assert.deepEqual(entry(next, 'b')!.fieldsV1, { 'f:spec': { 'f:paused': {} } });
});

test('serverSideApply() lets two managers share a field with the same value', () => {
  const a = apply(undefined, deployment({ replicas: 2 }), 'a');
  const b = apply(a, deployment({ replicas: 2 }), 'b');
  assert.deepEqual(entry(b, 'a')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.deepEqual(entry(b, 'b')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  // Nothing changed, so the newcomer's entry carries no time, as upstream leaves it.
  assert.equal(entry(b, 'b')!.time, undefined);
});

test('serverSideApply() reports a conflict with an updater like kube-apiserver', () => {
  const created = deployment({ replicas: 1 });
  trackUpdate(undefined, created, { manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0, schema });
  assert.throws(
    () => apply(created, deployment({ replicas: 3 }), 'kubectl'),
    (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 409);
      assert.equal(e.reason, 'Conflict');
      assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
      assert.deepEqual(e.status.details?.causes, [
        { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
      ]);
      return true;
    },
  );
});

test('serverSideApply() lists several conflicts per manager', () => {
  const a = apply(undefined, deployment({ replicas: 1, paused: false }), 'a');
  assert.throws(
    () => apply(a, deployment({ replicas: 2, paused: true }), 'b'),
    (e: unknown) =>
      e instanceof StatusError &&
      e.message === 'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.paused\n- .spec.replicas' &&
      e.status.details?.causes?.length === 2,
  );
});

test('serverSideApply() names a conflicting list item by its keys', () => {
  const a = apply(undefined, deployment({ template: { spec: { containers: [webContainer] } } }), 'a');
  assert.throws(
    () => apply(a, deployment({ template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } }), 'b'),
    (e: unknown) => e instanceof StatusError && e.status.details?.causes?.[0].field === '.spec.template.spec.containers[name="web"].image',
  );
});

test('serverSideApply() with force takes the field from the other manager', () => {
  const a = apply(undefined, deployment({ replicas: 1, paused: true }), 'a');
  const b = apply(a, deployment({ replicas: 5 }), 'b', true);
  assert.equal((b.spec as { replicas: number }).replicas, 5);
  assert.deepEqual(entry(b, 'a')!.fieldsV1, { 'f:spec': { 'f:paused': {} } });
  assert.deepEqual(entry(b, 'b')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('serverSideApply() drops an entry left with nothing after force', () => {
  const a = apply(undefined, deployment({ replicas: 1 }), 'a');
  const b = apply(a, deployment({ replicas: 5 }), 'b', true);
  assert.equal(entry(b, 'a'), undefined);
  assert.equal(b.metadata.managedFields?.length, 1);
});

test('serverSideApply() merges list maps per key and sets per value', () => {
  const a = apply(undefined, deployment({ template: { spec: { containers: [webContainer] } } }, { finalizers: ['a/x'] }), 'a');
  const b = apply(a, deployment({ template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } }, { finalizers: ['b/y'] }), 'b');
  assert.deepEqual(b.metadata.finalizers, ['a/x', 'b/y']);
  const containers = (b.spec as { template: { spec: { containers: Array<{ name: string }> } } }).template.spec.containers;
  assert.deepEqual(containers.map((c) => c.name), ['web', 'side']);
  assert.deepEqual(entry(b, 'b')!.fieldsV1, {
    'f:metadata': { 'f:finalizers': { 'v:"b/y"': {} } },
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"side"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
  });
});

test('serverSideApply() replaces atomic lists and maps whole', () => {
  const a = apply(undefined, deployment({ selector: { matchLabels: { app: 'web', x: 'y' } } }), 'a');
  const b = apply(a, deployment({ selector: { matchLabels: { app: 'web' } } }), 'a');
  assert.deepEqual((b.spec as { selector: unknown }).selector, { matchLabels: { app: 'web' } });
  assert.deepEqual(entry(b, 'a')!.fieldsV1, { 'f:spec': { 'f:selector': {} } });
});

test('serverSideApply() treats a list with a patch merge key as a list map', () => {
  const env = (items: unknown[]) => deployment({ template: { spec: { containers: [{ name: 'web', env: items }] } } });
  const a = apply(undefined, env([{ name: 'A', value: '1' }]), 'a');
  const b = apply(a, env([{ name: 'B', value: '2' }]), 'b');
  const containers = (b.spec as { template: { spec: { containers: Array<{ env: unknown[] }> } } }).template.spec.containers;
  assert.deepEqual(containers[0].env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
});

test('serverSideApply() gives existing untracked fields to before-first-apply', () => {
  const live = deployment({ replicas: 1 }, { uid: 'u1', resourceVersion: '5' });
  assert.throws(() => apply(live, deployment({ replicas: 2 }), 'kubectl'), /conflict with "before-first-apply" using apps\/v1: \.spec\.replicas/);
  const ok = apply(live, deployment({ replicas: 1 }), 'kubectl');
  // Tracking starts from an empty object, so the struct that appeared is owned too (as for custom resources).
  assert.deepEqual(entry(ok, 'before-first-apply', 'Update')!.fieldsV1, { 'f:spec': { '.': {}, 'f:replicas': {} } });
  assert.equal(ok.metadata.uid, 'u1');
});

test('serverSideApply() refuses managedFields in the configuration', () => {
  const bad = deployment({ replicas: 1 }, { managedFields: [] });
  assert.throws(() => apply(undefined, bad, 'm'), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'metadata.managedFields must be nil');
});

test('serverSideApply() refuses a configuration of another version', () => {
  const bad = { ...deployment({}), apiVersion: 'apps/v1beta1' };
  assert.throws(() => apply(undefined, bad, 'm'), /invalid object type: apps\/v1beta1, Kind=Deployment/);
});

test('serverSideApply() refuses duplicate list-map keys in the configuration', () => {
  const dup = deployment({ template: { spec: { containers: [{ name: 'web' }, { name: 'web' }] } } });
  assert.throws(
    () => apply(undefined, dup, 'm'),
    (e: unknown) =>
      e instanceof StatusError &&
      e.code === 500 &&
      e.message ===
        'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="web"]',
  );
});

test('serverSideApply() fills a defaulted key field when keying list items', () => {
  const a = apply(undefined, deployment({ template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } } }), 'a');
  const fields = JSON.stringify(entry(a, 'a')!.fieldsV1);
  assert.match(fields, /k:\{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"\}/);
});

test('serverSideApply() keys a subresource applier apart from the main one', () => {
  const a = apply(undefined, deployment({ replicas: 1 }), 'm');
  const s = serverSideApply(a, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, status: { replicas: 1 } }, {
    manager: 'm', apiVersion: 'apps/v1', now: T1, schema, force: false, subresource: 'status',
  });
  assert.equal(s.metadata.managedFields?.length, 2);
  assert.deepEqual(s.metadata.managedFields?.map((e) => e.subresource), [undefined, 'status']);
  assert.deepEqual(s.spec, { replicas: 1 });
});
