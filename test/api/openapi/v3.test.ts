import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../../src/api/resources/index.js';
import { buildOpenApiV3Document, contentHash, toV3Schema, v3PathGroups } from '../../../src/api/openapi/v3.js';

type Json = Record<string, any>;
const groups = v3PathGroups(builtinResources);
const core = buildOpenApiV3Document(builtinResources, groups.get('api/v1') ?? []) as Json;

test('v3PathGroups() lists group-versions and discovery documents', () => {
  for (const key of ['api', 'apis', 'api/v1', 'apis/apps', 'apis/apps/v1', 'apis/batch/v1', 'version']) assert.ok(groups.has(key), key);
});

test('buildOpenApiV3Document() for api/v1 is well-formed', () => {
  assert.equal(core['openapi'], '3.0.0');
  assert.ok(core['paths']['/api/v1/namespaces/{namespace}/pods/{name}']);
  assert.equal(core['paths']['/apis/apps/v1/namespaces/{namespace}/deployments'], undefined);
  const schemas = core['components']['schemas'] as Json;
  const text = JSON.stringify(core);
  assert.ok(!text.includes('#/definitions/'));
  for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) assert.ok(schemas[m[1] as string], m[1]);
});

test('every PATCH operation matching a kind lists fieldValidation as a query parameter, as kubectl checks', () => {
  for (const [key, items] of groups) {
    const doc = buildOpenApiV3Document(builtinResources, items) as Json;
    for (const [path, item] of Object.entries(doc['paths'] as Json)) {
      const patch = (item as Json).patch;
      if (!patch) continue;
      assert.ok(patch['x-kubernetes-group-version-kind'], `${key} ${path}`);
      assert.ok(patch.parameters.some((p: Json) => p.name === 'fieldValidation' && p.in === 'query'), `${key} ${path}`);
    }
  }
});

test('buildOpenApiV3Document() keeps the schema extensions kubectl explain and patch need', () => {
  const schemas = core['components']['schemas'] as Json;
  const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
  const affinity = schemas['io.k8s.api.core.v1.PodSpec'].properties.affinity;
  assert.deepEqual(affinity.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Affinity' }]);
  assert.ok(affinity.description);
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
});

test('toV3Schema() rewrites refs', () => {
  assert.deepEqual(toV3Schema({ $ref: '#/definitions/a.B' }), { $ref: '#/components/schemas/a.B' });
  assert.deepEqual(toV3Schema({ type: 'array', items: { $ref: '#/definitions/a.B' } }), {
    type: 'array',
    items: { $ref: '#/components/schemas/a.B' },
  });
});

test('contentHash() is upper-case SHA-512 hex', () => {
  assert.match(contentHash('{}'), /^[0-9A-F]{128}$/);
  assert.notEqual(contentHash('{}'), contentHash('[]'));
});
