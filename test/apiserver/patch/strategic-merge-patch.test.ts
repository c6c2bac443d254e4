import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../../src/apiserver/patch/strategic-merge-patch.js';
import type { KubeObject } from '../../../src/api/object.js';
import type { SchemaNode } from '../../../src/api/schema.js';
import { rejects } from '../status-assertions.js';

// A hand-made slice of the Pod and Deployment schemas, with the patch metadata Kubernetes declares.
interface NodeSpec {
  type?: string;
  fields?: Record<string, SchemaNode>;
  items?: SchemaNode;
  values?: SchemaNode;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  opaque?: boolean;
}
function node(spec: NodeSpec): SchemaNode {
  return {
    type: spec.type,
    patchStrategy: spec.patchStrategy,
    patchMergeKey: spec.patchMergeKey,
    listType: spec.listType,
    opaque: spec.opaque,
    field: (name) => (spec.fields && Object.hasOwn(spec.fields, name) ? spec.fields[name] : undefined),
    items: () => spec.items,
    values: () => spec.values,
  };
}
const str = node({ type: 'string' });
const int = node({ type: 'integer' });
const obj = (fields: Record<string, SchemaNode>, extra: NodeSpec = {}): SchemaNode => node({ type: 'object', fields, ...extra });
const mapOf = (values: SchemaNode): SchemaNode => node({ type: 'object', values });
const list = (items: SchemaNode, extra: NodeSpec = {}): SchemaNode => node({ type: 'array', items, ...extra });

const objectMeta = obj({
  name: str,
  labels: mapOf(str),
  annotations: mapOf(str),
  finalizers: list(str, { patchStrategy: 'merge' }),
  ownerReferences: list(obj({ uid: str, name: str, kind: str }), { patchStrategy: 'merge', patchMergeKey: 'uid' }),
});
const envVar = obj({ name: str, value: str, valueFrom: obj({ fieldRef: obj({ fieldPath: str }) }) });
const container = obj({
  name: str,
  image: str,
  args: list(str, { listType: 'atomic' }),
  env: list(envVar, { patchStrategy: 'merge', patchMergeKey: 'name' }),
  ports: list(obj({ containerPort: int, protocol: str, name: str }), { patchStrategy: 'merge', patchMergeKey: 'containerPort' }),
  resources: obj({ limits: mapOf(str), requests: mapOf(str) }),
});
const volume = obj({ name: str, emptyDir: obj({ medium: str }), configMap: obj({ name: str }), hostPath: obj({ path: str }) });
const podSpec = obj({
  containers: list(container, { patchStrategy: 'merge', patchMergeKey: 'name' }),
  volumes: list(volume, { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' }),
  tolerations: list(obj({ key: str, operator: str, effect: str }), { listType: 'atomic' }),
  nodeSelector: mapOf(str),
  hostAliases: list(list(str)),
  extension: node({ opaque: true }),
});
const podSchema = obj({ apiVersion: str, kind: str, metadata: objectMeta, spec: podSpec });
const deploymentSchema = obj({
  apiVersion: str,
  kind: str,
  metadata: objectMeta,
  spec: obj({
    replicas: int,
    strategy: obj(
      { type: str, rollingUpdate: obj({ maxSurge: str, maxUnavailable: str }) },
      { patchStrategy: 'retainKeys' },
    ),
  }),
});

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', ...metadata }, spec };
}
const smp = (original: KubeObject, patch: unknown): KubeObject => applyStrategicMergePatch(original, patch, podSchema);
const spec = (o: KubeObject): Record<string, unknown> => o.spec as Record<string, unknown>;
const names = (v: unknown): unknown[] => (v as Array<Record<string, unknown>>).map((c) => c.name);

test('applyStrategicMergePatch() merges maps and deletes members set to null', () => {
  const original = pod({}, { labels: { app: 'web', tier: 'front', old: 'x' } });
  const out = smp(original, { metadata: { labels: { tier: 'back', old: null, new: 'y', absent: null } } });
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'back', new: 'y' });
});

test('applyStrategicMergePatch() merges a list of objects by its merge key', () => {
  const original = pod({
    containers: [
      { name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'envoy:1' },
    ],
  });
  const out = smp(original, { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } });
  assert.deepEqual(spec(out).containers, [
    { name: 'web', image: 'nginx:2', ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'envoy:1' },
  ]);
});

test('applyStrategicMergePatch() puts new merge-list items before server items it does not order', () => {
  // kube-apiserver's rule without $setElementOrder: patch items first, in patch order.
  const original = pod({ containers: [{ name: 'a' }, { name: 'b' }] });
  const out = smp(original, { spec: { containers: [{ name: 'd', image: 'd' }, { name: 'c', image: 'c' }] } });
  assert.deepEqual(names(spec(out).containers), ['d', 'c', 'a', 'b']);
});

test('applyStrategicMergePatch() merges nested merge lists (env by name, ports by containerPort)', () => {
  const original = pod({
    containers: [
      {
        name: 'web',
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
      },
    ],
  });
  const out = smp(original, {
    spec: {
      containers: [
        {
          name: 'web',
          env: [{ name: 'B', value: '20' }],
          ports: [{ containerPort: 443, name: 'https' }],
        },
      ],
    },
  });
  const web = (spec(out).containers as Array<Record<string, unknown>>)[0];
  assert.deepEqual(web.env, [{ name: 'A', value: '1' }, { name: 'B', value: '20' }]);
  assert.deepEqual(web.ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP', name: 'https' }]);
});

test('applyStrategicMergePatch() deletes a merge-list element with $patch: delete', () => {
  const original = pod({ containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  const out = smp(original, { spec: { containers: [{ name: 'b', $patch: 'delete' }] } });
  assert.deepEqual(names(spec(out).containers), ['a', 'c']);
  // deleting an element that is not there is not an error
  assert.deepEqual(names(spec(smp(original, { spec: { containers: [{ name: 'z', $patch: 'delete' }] } })).containers), ['a', 'b', 'c']);
});

test('applyStrategicMergePatch() replaces a merge list with a $patch: replace element', () => {
  const original = pod({ containers: [{ name: 'a', image: 'a' }, { name: 'b' }] });
  const out = smp(original, { spec: { containers: [{ name: 'x', image: 'x' }, { $patch: 'replace' }] } });
  assert.deepEqual(spec(out).containers, [{ name: 'x', image: 'x' }]);
});

test('applyStrategicMergePatch() replaces a map with $patch: replace and empties it with $patch: delete', () => {
  const original = pod({ nodeSelector: { zone: 'a', disk: 'ssd' } }, { labels: { a: '1', b: '2' } });
  const replaced = smp(original, { spec: { nodeSelector: { $patch: 'replace', zone: 'b' } } });
  assert.deepEqual(spec(replaced).nodeSelector, { zone: 'b' });
  const emptied = smp(original, { metadata: { labels: { $patch: 'delete' } } });
  assert.deepEqual(emptied.metadata.labels, {});
  // a $patch map where the object has nothing is not added
  const none = smp(pod({}), { spec: { nodeSelector: { $patch: 'delete' } } });
  assert.equal('nodeSelector' in spec(none), false);
});

test('applyStrategicMergePatch() refuses $patch: merge and unknown directives with 500 as upstream does', () => {
  const original = pod({ containers: [{ name: 'a' }], nodeSelector: { zone: 'a' } });
  const inMap = rejects(() => smp(original, { spec: { nodeSelector: { $patch: 'merge', zone: 'b' } } }), 500, 'unknown patch type: merge in map: map[$patch:merge zone:b]');
  assert.equal(inMap.reason, undefined);
  rejects(() => smp(original, { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }), 500, 'merging lists cannot yet be specified in the patch');
  rejects(() => smp(original, { spec: { containers: [{ name: 'a', $patch: 'frobnicate' }] } }), 500, 'unknown patch type: frobnicate in map: map[$patch:frobnicate name:a]');
});

test('applyStrategicMergePatch() takes the union of a merging list of primitives', () => {
  const original = pod({}, { finalizers: ['a', 'b'] });
  const out = smp(original, { metadata: { finalizers: ['c', 'a'] } });
  assert.deepEqual(out.metadata.finalizers, ['c', 'a', 'b']);
});

test('applyStrategicMergePatch() removes values with $deleteFromPrimitiveList', () => {
  const original = pod({}, { finalizers: ['a', 'b', 'c', 'b'] });
  const out = smp(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } });
  assert.deepEqual(out.metadata.finalizers, ['a', 'c']);
  // it works on a list without merge strategy too, and never creates the list
  const withArgs = pod({ containers: [{ name: 'a', args: ['-v', '--x'] }] });
  const out2 = smp(withArgs, { spec: { containers: [{ name: 'a', '$deleteFromPrimitiveList/args': ['-v'], '$deleteFromPrimitiveList/command': ['sh'] }] } });
  assert.deepEqual(spec(out2).containers, [{ name: 'a', args: ['--x'] }]);
});

test('applyStrategicMergePatch() can add and delete primitives in one patch', () => {
  const original = pod({}, { finalizers: ['a', 'b'] });
  const out = smp(original, { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } });
  assert.deepEqual(out.metadata.finalizers, ['c', 'b']);
});

test('applyStrategicMergePatch() orders an object list by $setElementOrder, keeping server-only items in place', () => {
  // upstream's "set elements order in a list with server-only items 2"
  const original = pod({ containers: [{ name: '1', image: 'a' }, { name: '2' }, { name: '9' }, { name: '3' }, { name: '4' }] });
  const out = smp(original, { spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }] } });
  assert.deepEqual(names(spec(out).containers), ['2', '1', '9', '4', '3']);
  assert.deepEqual((spec(out).containers as unknown[])[1], { name: '1', image: 'a' });
});

test('applyStrategicMergePatch() places items a patch adds where $setElementOrder says', () => {
  // upstream's "add multiple items in a list and preserve order"
  const original = pod({ containers: [{ name: '1', image: 'a' }, { name: '2', image: 'b' }] });
  const out = smp(original, {
    spec: {
      '$setElementOrder/containers': [{ name: '1' }, { name: '4' }, { name: '2' }, { name: '3' }],
      containers: [{ name: '4', image: 'd' }, { name: '3', image: 'c' }],
    },
  });
  assert.deepEqual(spec(out).containers, [
    { name: '1', image: 'a' },
    { name: '4', image: 'd' },
    { name: '2', image: 'b' },
    { name: '3', image: 'c' },
  ]);
});

test('applyStrategicMergePatch() deletes and reorders with $setElementOrder', () => {
  // upstream's "delete an item in a list and preserve order"
  const original = pod({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] });
  const out = smp(original, {
    spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '1' }], containers: [{ name: '3', $patch: 'delete' }] },
  });
  assert.deepEqual(spec(out).containers, [{ name: '2', image: 'b' }, { name: '1' }]);
});

test('applyStrategicMergePatch() orders a primitive list by $setElementOrder', () => {
  const original = pod({}, { finalizers: ['a', 'b', 'c'] });
  assert.deepEqual(smp(original, { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'] } }).metadata.finalizers, ['b', 'c', 'a']);
  const withServerOnly = pod({}, { finalizers: ['a', 'x', 'b'] });
  const out = smp(withServerOnly, { metadata: { '$setElementOrder/finalizers': ['b', 'a', 'c'], finalizers: ['c'] } });
  // x stays ahead of b, where the server had it
  assert.deepEqual(out.metadata.finalizers, ['x', 'b', 'a', 'c']);
});

test('applyStrategicMergePatch() creates a list from the patch under $setElementOrder', () => {
  const out = smp(pod({}), { metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'], finalizers: ['b', 'a'] } });
  assert.deepEqual(out.metadata.finalizers, ['b', 'a']);
  const objects = smp(pod({}), { spec: { '$setElementOrder/containers': [{ name: 'x' }], containers: [{ name: 'x' }, { name: 'y', $patch: 'delete' }] } });
  assert.deepEqual(spec(objects).containers, [{ name: 'x' }]);
});

test('applyStrategicMergePatch() refuses a patch list out of $setElementOrder order with 500', () => {
  const original = pod({ containers: [{ name: '1' }, { name: '2' }] });
  rejects(
    () => smp(original, { spec: { '$setElementOrder/containers': [{ name: '1' }, { name: '2' }], containers: [{ name: '2', image: 'x' }, { name: '1', image: 'y' }] } }),
    500,
    "The order in patch list:\n[map[image:x name:2] map[image:y name:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2]]\n",
  );
});

test('applyStrategicMergePatch() refuses malformed directive keys with 400', () => {
  const original = pod({}, { finalizers: ['a'] });
  rejects(() => smp(original, { metadata: { $deleteFromPrimitiveList: ['a'] } }), 400, 'invalid patch format of primitive list');
  rejects(() => smp(original, { metadata: { '$deleteFromPrimitiveListX/finalizers': ['a'] } }), 400, 'invalid patch format of primitive list');
  rejects(() => smp(original, { metadata: { '$setElementOrderX/finalizers': ['a'] } }), 400, 'invalid patch format of setElementOrder list');
  rejects(() => smp(original, { metadata: { '$setElementOrder/finalizers': 'a' } }), 500, 'expected a []interface {}, but received a string');
});

test('applyStrategicMergePatch() clears fields not listed in $retainKeys', () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
  };
  // what kubectl apply sends when switching to Recreate
  const out = applyStrategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, deploymentSchema);
  assert.deepEqual(out.spec, { replicas: 2, strategy: { type: 'Recreate' } });
  // retained fields still merge
  const kept = applyStrategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type', 'rollingUpdate'], rollingUpdate: { maxSurge: '1' } } } }, deploymentSchema);
  assert.deepEqual((kept.spec as Record<string, unknown>).strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '25%' } });
});

test('applyStrategicMergePatch() applies $retainKeys inside merge-list elements (volumes)', () => {
  const original = pod({ volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }, { name: 'cfg', configMap: { name: 'c' } }] });
  const out = smp(original, { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/srv' } }] } });
  assert.deepEqual(spec(out).volumes, [{ name: 'data', hostPath: { path: '/srv' } }, { name: 'cfg', configMap: { name: 'c' } }]);
});

test('applyStrategicMergePatch() refuses $retainKeys that is not a list or omits a patched field with 400', () => {
  const original = pod({ volumes: [{ name: 'data', emptyDir: {} }] });
  rejects(() => smp(original, { spec: { volumes: [{ name: 'data', $retainKeys: 'name' }] } }), 400, 'invalid patch format of retainKeys');
  rejects(() => smp(original, { spec: { volumes: [{ name: 'data', $retainKeys: ['name'], hostPath: { path: '/' } }] } }), 400, 'invalid patch format of retainKeys');
});

test('applyStrategicMergePatch() replaces lists without a merge strategy (atomic tolerations, args)', () => {
  const original = pod({ tolerations: [{ key: 'a', operator: 'Exists' }], containers: [{ name: 'c', args: ['1', '2'] }] });
  const out = smp(original, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'c', args: ['3'] }] } });
  assert.deepEqual(spec(out).tolerations, [{ key: 'b', operator: 'Exists' }]);
  assert.deepEqual(spec(out).containers, [{ name: 'c', args: ['3'] }]);
});

test('applyStrategicMergePatch() behaves as a JSON merge patch where there is no schema', () => {
  const original = pod({ unknownField: { a: 1, b: [1, 2], c: { d: 1 } }, extension: { x: { y: 1 }, list: [1] } });
  const out = smp(original, { spec: { unknownField: { b: [3], c: { e: 2 }, a: null }, extension: { x: { z: 2 }, list: [2] } } });
  assert.deepEqual(spec(out).unknownField, { b: [3], c: { d: 1, e: 2 } });
  assert.deepEqual(spec(out).extension, { x: { y: 1, z: 2 }, list: [2] });
});

test('applyStrategicMergePatch() applies the patch kubectl apply sends', () => {
  // live object: created by an earlier apply and then changed by a controller (the sidecar)
  const live = pod(
    {
      containers: [
        { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'OLD', value: 'x' }] },
        { name: 'legacy', image: 'busybox' },
        { name: 'sidecar', image: 'envoy' },
      ],
    },
    { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n', other: 'kept' } },
  );
  // kubectl apply: change web's image, add env B, drop env OLD and container legacy, add container log
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } },
    spec: {
      '$setElementOrder/containers': [{ name: 'web' }, { name: 'log' }],
      containers: [
        {
          '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }],
          env: [{ name: 'B', value: '2' }, { $patch: 'delete', name: 'OLD' }],
          image: 'nginx:2',
          name: 'web',
        },
        { image: 'fluentd', name: 'log' },
        { $patch: 'delete', name: 'legacy' },
      ],
    },
  };
  const out = smp(live, patch);
  assert.deepEqual(out.metadata.annotations, { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n', other: 'kept' });
  assert.deepEqual(spec(out).containers, [
    { name: 'web', image: 'nginx:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
    { name: 'log', image: 'fluentd' },
    { name: 'sidecar', image: 'envoy' },
  ]);
});

test('applyStrategicMergePatch() leaves directives and nulls out of values it adds', () => {
  const out = smp(pod({ containers: [{ name: 'a' }] }), {
    spec: {
      containers: [{ name: 'b', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: null }] }],
      nodeSelector: { zone: 'a', gone: null, nested: { $patch: 'delete' } },
    },
  });
  assert.deepEqual(spec(out).containers, [{ name: 'b', env: [{ name: 'X' }] }, { name: 'a' }]);
  assert.deepEqual(spec(out).nodeSelector, { zone: 'a' });
});

test('applyStrategicMergePatch() answers 500 for a merge-list element without its merge key', () => {
  const original = pod({ containers: [{ name: 'a' }] });
  rejects(() => smp(original, { spec: { containers: [{ image: 'x' }] } }), 500, 'map: map[image:x] does not contain declared merge key: name');
  rejects(() => smp(original, { spec: { containers: [{ $patch: 'delete' }] } }), 500, 'map: map[$patch:delete] does not contain declared merge key: name');
});

test('applyStrategicMergePatch() answers 422 for lists of lists', () => {
  const original = pod({ hostAliases: [['a']] });
  const e = rejects(() => applyStrategicMergePatch(original, { spec: { hostAliases: [['b']] } }, obj({ spec: obj({ hostAliases: list(list(str), { patchStrategy: 'merge' }) }) })), 422);
  assert.equal(e.reason, 'Invalid');
  assert.equal(e.message, 'the server rejected our request due to an error in our request');
});

test('applyStrategicMergePatch() answers 500 for a merging list of mixed element types', () => {
  const original = pod({}, { finalizers: ['a'] });
  rejects(() => smp(original, { metadata: { finalizers: [1] } }), 500, 'list element types are not identical: [[a] [1]]');
});

test('applyStrategicMergePatch() refuses kinds without a schema with 415 as for CustomResources', () => {
  const e = rejects(() => applyStrategicMergePatch(pod({}), { spec: {} }, undefined), 415);
  assert.equal(e.reason, 'UnsupportedMediaType');
  assert.equal(
    e.message,
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
});

test('applyStrategicMergePatch() refuses a patch that is not an object with 400 and treats null as empty', () => {
  rejects(() => smp(pod({}), [{ op: 'add' }]), 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  rejects(() => smp(pod({}), 'x'), 400, 'json: cannot unmarshal string into Go value of type map[string]interface {}');
  const original = pod({ containers: [{ name: 'a' }] });
  const out = smp(original, null);
  assert.deepEqual(out, original);
  assert.notEqual(out, original);
});

test('applyStrategicMergePatch() never mutates its inputs and returns an object sharing nothing with them', () => {
  const original = pod({ containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }, { name: 'b' }] }, { finalizers: ['f'] });
  const patch = {
    metadata: { '$deleteFromPrimitiveList/finalizers': ['f'], labels: { l: 'v' } },
    spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'c', env: [{ name: 'Y' }] }, { name: 'b', $patch: 'delete' }] },
  };
  const originalCopy = structuredClone(original);
  const patchCopy = structuredClone(patch);
  rejects(() => smp(original, patch), 500); // c is not in $setElementOrder
  const ok = { ...patch, spec: { ...patch.spec, '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }] } };
  const out = smp(original, ok);
  assert.deepEqual(names(spec(out).containers), ['c', 'a']);
  assert.deepEqual(original, originalCopy);
  assert.deepEqual(patch, patchCopy);
  // mutating the result reaches neither input
  const [c, a] = spec(out).containers as Array<Record<string, unknown>>;
  (c.env as Array<Record<string, unknown>>)[0].value = 'changed';
  (a.env as Array<Record<string, unknown>>)[0].value = 'changed';
  (out.metadata.labels as Record<string, string>).l = 'changed';
  assert.deepEqual(original, originalCopy);
  assert.deepEqual(patch, patchCopy);
});

test('applyStrategicMergePatch() keeps __proto__ an ordinary key', () => {
  const out = smp(pod({}), JSON.parse('{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}'));
  const labels = out.metadata.labels as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(labels), Object.prototype);
  assert.deepEqual(Object.keys(labels), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
