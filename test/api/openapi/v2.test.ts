import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../../src/api/resources/index.js';
import { buildOpenApiV2 } from '../../../src/api/openapi/v2.js';

type Json = Record<string, any>;
const doc = buildOpenApiV2(builtinResources) as Json;

test('buildOpenApiV2() has the pod paths and verbs', () => {
  assert.equal(doc['swagger'], '2.0');
  const paths = doc['paths'] as Json;
  const collection = paths['/api/v1/namespaces/{namespace}/pods'];
  assert.equal(collection.get.operationId, 'listCoreV1NamespacedPod');
  assert.equal(collection.get['x-kubernetes-action'], 'list');
  assert.equal(collection.post['x-kubernetes-action'], 'post');
  assert.equal(collection.delete['x-kubernetes-action'], 'deletecollection');
  const one = paths['/api/v1/namespaces/{namespace}/pods/{name}'];
  assert.deepEqual(Object.keys(one).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
  assert.deepEqual(one.patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  assert.ok(one.patch.consumes.includes('application/strategic-merge-patch+json'));
  assert.equal(paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(paths['/api/v1/watch/namespaces/{namespace}/pods'].get['x-kubernetes-action'], 'watchlist');
  assert.ok(paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch);
  assert.equal(paths['/api/v1/namespaces/{namespace}/pods/{name}/binding'].post.operationId, 'createCoreV1NamespacedPodBinding');
});

test('buildOpenApiV2() puts fieldValidation, dryRun and fieldManager on write operations', () => {
  const one = doc['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'] as Json;
  for (const method of ['put', 'patch']) {
    const names = one[method].parameters.map((p: Json) => p.name);
    for (const n of ['fieldValidation', 'dryRun', 'fieldManager']) assert.ok(names.includes(n), `${method} ${n}`);
  }
  const body = one.put.parameters.find((p: Json) => p.in === 'body');
  assert.deepEqual(body.schema, { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' });
});

test('buildOpenApiV2() has scale subresources and cluster-scoped kinds', () => {
  const scale = doc['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'] as Json;
  assert.deepEqual(scale.get['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.ok(doc['paths']['/api/v1/nodes/{name}']);
  assert.equal(doc['paths']['/api/v1/nodes'].get.operationId, 'listCoreV1Node');
});

test('buildOpenApiV2() includes exactly the referenced definitions', () => {
  const defs = doc['definitions'] as Json;
  for (const name of ['io.k8s.api.core.v1.Pod', 'io.k8s.api.core.v1.PodList', 'io.k8s.api.core.v1.Container',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent',
    'io.k8s.api.autoscaling.v1.Scale']) {
    assert.ok(defs[name], name);
  }
  // Kinds Wharf does not serve stay out.
  assert.equal(defs['io.k8s.api.networking.v1.Ingress'], undefined);
  // Every ref resolves.
  const text = JSON.stringify(doc);
  for (const m of text.matchAll(/"#\/definitions\/([^"]+)"/g)) assert.ok(defs[m[1] as string], m[1]);
});
