import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import type { SchemaNode } from '../../../src/api/schema.js';
import { schemaNodeFor } from '../../../src/api/openapi/index.js';
import { builtinResources } from '../../../src/api/resources/index.js';
import { createdFieldsV1 } from '../../../src/apiserver/apply/created-fields-v1.js';
import { trackUpdate } from '../../../src/apiserver/apply/track-update.js';
import * as fixtures from '../../../bench/apply/objects.js';
import { deploymentSchema } from './deployment-schema.js';
import * as apiserverFixtures from '../fixtures.js';
import * as controllerFixtures from '../../controllers/fixtures.js';
import * as volumeFixtures from '../../controllers/volume/fixtures.js';
import { nodeObject, podObject } from '../../scheduler/api/helpers.js';
import { simPod } from '../../node/fixtures.js';
import { clusterRole, role } from '../rbac/fixtures.js';
import { binding, clusterBroker, instance } from '../../catalog/controllers/fixtures.js';
import { mutate, randomValue, rng } from './random-objects.js';

/*
 * The create fast path (fieldsV1 written straight from the object), the comparison that skips equal
 * subtrees and the memoized decoding and encoding must give exactly what the general path gives:
 * every case runs both and compares the JSON text, so key order counts too.
 */

const generic = { fastCreate: false, skipEqual: false } as const;
const T = (m: number): string => `2026-01-01T00:${String(m).padStart(2, '0')}:00Z`;

interface Kind {
  name: string;
  apiVersion: string;
  kind: string;
  schema: SchemaNode | undefined;
}

const withSchema = builtinResources.filter((d) => d.schema);
const kinds: Kind[] = withSchema.map((d) => ({ name: d.plural, apiVersion: d.group ? `${d.group}/${d.version}` : d.version, kind: d.kind, schema: schemaNodeFor(d.schema!) }));

function track(old: KubeObject | undefined, next: KubeObject, k: Kind, manager: string, now: string, subresource: string | undefined, paths: typeof generic | undefined): KubeObject {
  trackUpdate(old, next, { manager, apiVersion: k.apiVersion, now, schema: k.schema, ...(subresource ? { subresource } : {}) }, paths);
  return next;
}

/** Creates `obj` both ways, then applies the same random updates to both, comparing after every write. */
function checkObject(k: Kind, obj: KubeObject, seed: number, updates: number): void {
  const label = `${k.name} seed ${seed}`;
  let fast = track(undefined, structuredClone(obj), k, 'creator', T(0), undefined, undefined);
  let slow = track(undefined, structuredClone(obj), k, 'creator', T(0), undefined, generic);
  assert.equal(JSON.stringify(fast), JSON.stringify(slow), `create: ${label}`);
  const r = rng(seed * 7919 + 1);
  const managers = ['creator', 'kubelet', 'controller', 'kubectl-edit'];
  for (let i = 1; i <= updates; i++) {
    const manager = managers[Math.floor(r() * managers.length)]!;
    const subresource = r() < 0.3 ? 'status' : undefined;
    const dropRequested = r() < 0.2;
    const mutations = 1 + Math.floor(r() * 3);
    const mutSeed = Math.floor(r() * 1e9);
    const edit = (o: KubeObject): KubeObject => {
      // The API server's request object: a fresh parse of the stored JSON, then changed.
      const next = JSON.parse(JSON.stringify(o)) as KubeObject;
      const mr = rng(mutSeed);
      for (let j = 0; j < mutations; j++) mutate(mr, next as Record<string, unknown>, k.schema);
      if (!next.metadata || typeof next.metadata !== 'object') next.metadata = {};
      if (dropRequested) delete next.metadata.managedFields;
      return next;
    };
    // Sometimes the stored object is a fresh parse (read from storage, or written untracked by pods/binding).
    const stored = r() < 0.5 ? fast : (JSON.parse(JSON.stringify(fast)) as KubeObject);
    const nextFast = track(stored, edit(fast), k, manager, T(i), subresource, undefined);
    // The general path gets copies, so nothing it reads was seen by the memoized forms.
    const nextSlow = track(structuredClone(slow), edit(slow), k, manager, T(i), subresource, generic);
    assert.equal(JSON.stringify(nextFast), JSON.stringify(nextSlow), `update ${i}: ${label}`);
    fast = nextFast;
    slow = nextSlow;
  }
}

test('create fast path and updates after it match the general path for the benchmark objects', () => {
  const pod = kinds.find((k) => k.kind === 'Pod')!;
  const deployment = kinds.find((k) => k.kind === 'Deployment')!;
  const event = kinds.find((k) => k.kind === 'Event' && k.apiVersion === 'v1')!;
  const configMap = kinds.find((k) => k.kind === 'ConfigMap')!;
  const running = fixtures.firstPodStatus(fixtures.bound(fixtures.replicaSetPod()));
  for (const [k, obj] of [
    [pod, fixtures.replicaSetPod()],
    [pod, running],
    [pod, fixtures.secondPodStatus(running)],
    [deployment, fixtures.deploymentObject()],
    [event, fixtures.eventObject()],
    [configMap, fixtures.configMapObject()],
  ] as const) {
    for (let seed = 1; seed <= 5; seed++) checkObject(k, obj, seed, 6);
  }
});

test('create fast path and updates after it match the general path for the other tests\' fixtures, defaults filled', () => {
  const objects: KubeObject[] = [
    apiserverFixtures.configMap('cm'),
    apiserverFixtures.pod('p', 'default', { app: 'x' }),
    apiserverFixtures.namespace('ns'),
    apiserverFixtures.deployment('d', 3),
    controllerFixtures.replicaSet('rs', 2),
    controllerFixtures.barePod('bp', { app: 'web' }, { finalizers: ['a/b'] }),
    controllerFixtures.webService(),
    controllerFixtures.webPod('wp'),
    volumeFixtures.volume('pv', '1Gi'),
    volumeFixtures.claim('pvc', '1Gi'),
    volumeFixtures.storageClass('sc', 'example.com/p', { mode: 'WaitForFirstConsumer', isDefault: true }),
    volumeFixtures.podUsing('pu', 'pvc', 'node-1'),
    nodeObject('n1', 'zone-a'),
    podObject('po', { cpu: '100m', labels: { a: 'b' } }),
    simPod('sp', { containers: ['a', 'b'], tolerations: [{ key: 'k', operator: 'Exists' }] }),
    role('default', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]),
    clusterRole('cr', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }]),
    clusterBroker('b', 'http://127.0.0.1:1'),
    instance('i'),
    binding('bi', 'i'),
  ];
  let checked = 0;
  for (const obj of objects) {
    const i = withSchema.findIndex((d) => d.kind === obj.kind && (d.group ? `${d.group}/${d.version}` : d.version) === obj.apiVersion);
    if (i < 0) continue;
    withSchema[i]!.strategy.default?.(obj);
    for (let seed = 1; seed <= 3; seed++) checkObject(kinds[i]!, obj, seed, 5);
    checked++;
  }
  assert.ok(checked >= 15, `only ${checked} fixtures have a schema`);
});

test('create fast path and updates after it match the general path for random objects of every kind', () => {
  for (const k of kinds) {
    for (let seed = 1; seed <= 6; seed++) {
      const r = rng(seed);
      const v = randomValue(r, k.schema, 7);
      const obj = (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}) as KubeObject;
      obj.apiVersion = k.apiVersion;
      obj.kind = k.kind;
      if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
      obj.metadata.name = `obj-${seed}`;
      if (seed % 2 === 0) delete obj.metadata.managedFields;
      checkObject(k, obj, seed, 4);
    }
  }
});

test('create fast path matches the general path for lists that cannot be keyed, duplicates and odd shapes', () => {
  const k: Kind = { name: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment', schema: deploymentSchema };
  const base = (spec: unknown, meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', ...meta }, spec } as KubeObject);
  const cases: KubeObject[] = [
    base({ template: { spec: { containers: [{ name: 'a' }, { name: 'a', image: 'x' }] } } }),
    base({ template: { spec: { containers: [{ image: 'no-name' }] } } }),
    base({ template: { spec: { containers: ['not-a-map'] } } }),
    base({ template: { spec: { containers: [null] } } }),
    base({ template: { spec: { containers: [] } } }),
    base({}, { finalizers: ['a', 'a', 'b'], ownerReferences: [{ uid: '1' }, { uid: '1' }] }),
    base({}, { finalizers: [{ x: 1 }] }),
    base(null, { labels: {}, annotations: { 'a/b': 'c<&>' } }),
    base({ replicas: 1 }, { generation: 4, uid: 'u', resourceVersion: '9', creationTimestamp: T(0) }),
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'only-stripped' } } as KubeObject,
    // Past the short arrays sorted by insertion: many keys, many list items, in reverse order.
    base(
      { template: { spec: { containers: Array.from({ length: 40 }, (_, i) => ({ name: `c${String(39 - i).padStart(2, '0')}`, image: 'x' })) } } },
      { labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${String(39 - i).padStart(2, '0')}`, 'v'])) },
    ),
    base({ template: { spec: { containers: [{ name: 'z' }, { name: 'b' }, { name: 'm' }] } } }, { labels: { zz: '1', Aa: '2', 'a.b/c': '3', a: '4' } }),
    // Long lists with repeated elements (found through an index, not by scanning), keyed and set-like.
    base(
      { template: { spec: { containers: Array.from({ length: 30 }, (_, i) => ({ name: `c${i % 12}`, image: `x${i}` })) } } },
      { finalizers: Array.from({ length: 30 }, (_, i) => `f${i % 7}`) },
    ),
    // List map keys written straight from plain values, and each way out of that shortcut: numbers in
    // numeric order (100 after 80), a string key beside a number, a missing key field, floats, values that
    // need escaping, null, and the same key twice.
    base({
      template: {
        spec: {
          containers: [
            { name: 'web', ports: [{ containerPort: 100, protocol: 'TCP' }, { containerPort: 80, protocol: 'UDP' }, { containerPort: 80, protocol: 'TCP' }] },
            { name: 'mixed', ports: [{ containerPort: '80', protocol: 'TCP' }, { containerPort: 80, protocol: 'TCP' }] },
            { name: 'missing', ports: [{ containerPort: 80 }, { containerPort: 81, protocol: 'TCP' }] },
            { name: 'float', ports: [{ containerPort: 80.5, protocol: 'TCP' }, { containerPort: -1, protocol: 'TCP' }, { containerPort: 2 ** 60, protocol: 'TCP' }] },
            { name: 'twice', ports: [{ containerPort: 1, protocol: 'TCP', name: 'a' }, { containerPort: 1, protocol: 'TCP', name: 'b' }] },
            { name: 'null', ports: [{ containerPort: null, protocol: 'TCP' }] },
          ],
        },
      },
    }),
    base({ template: { spec: { containers: [{ name: 'a"b' }, { name: 'x<y' }, { name: 'ü' }, { name: 'back\\slash' }, { name: '' }] } } }),
    base({ template: { spec: { containers: [{ name: 'b', image: 'x' }, { name: 'a' }, { name: 'b' }, { name: 'c' }] } } }),
  ];
  cases.forEach((obj, i) => {
    const fast = track(undefined, structuredClone(obj), k, '', T(0), undefined, undefined);
    const slow = track(undefined, structuredClone(obj), k, '', T(0), undefined, generic);
    assert.equal(JSON.stringify(fast), JSON.stringify(slow), `case ${i}`);
    checkObject(k, obj, i + 100, 3);
  });
  // A list map that cannot be keyed is no shortcut's business: the general path leaves the object untracked.
  assert.throws(() => createdFieldsV1(cases[2] as Record<string, unknown>, deploymentSchema));
  assert.equal(track(undefined, structuredClone(cases[2]!), k, 'x', T(0), undefined, undefined).metadata.managedFields, undefined);
});

test('createdFieldsV1() writes the trie in upstream order with "." for owned parents', () => {
  const obj = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { b: '1', a: '2' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'z' }, { name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } } };
  assert.equal(
    JSON.stringify(createdFieldsV1(obj, deploymentSchema)),
    JSON.stringify({
      'f:metadata': { 'f:labels': { '.': {}, 'f:a': {}, 'f:b': {} } },
      'f:spec': {
        '.': {},
        'f:replicas': {},
        'f:template': {
          '.': {},
          'f:spec': {
            '.': {},
            'f:containers': {
              '.': {},
              'k:{"name":"a"}': { '.': {}, 'f:name': {}, 'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } },
              'k:{"name":"z"}': { '.': {}, 'f:name': {} },
            },
          },
        },
      },
    }),
  );
});
