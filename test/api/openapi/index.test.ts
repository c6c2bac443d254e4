import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinResources } from '../../../src/api/resources/index.js';
import { defineResource } from '../../../src/api/resource.js';
import {
  decodeOpenApiV2,
  openApiV2,
  openApiV2Protobuf,
  openApiV3GroupVersion,
  openApiV3Index,
} from '../../../src/api/openapi/index.js';

type Json = Record<string, any>;

test('openApiV2() is cached per resource list', () => {
  assert.equal(openApiV2(builtinResources), openApiV2(builtinResources));
  assert.deepStrictEqual(decodeOpenApiV2(openApiV2Protobuf(openApiV2(builtinResources))), openApiV2(builtinResources));
});

test('openApiV3Index() points at every group-version with its content hash', () => {
  const index = openApiV3Index(builtinResources) as Json;
  assert.match(index['paths']['api/v1'].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  for (const key of ['apis/apps/v1', 'api', 'apis']) assert.ok(index['paths'][key], key);
});

test('openApiV3GroupVersion() answers group-version paths and nothing else', () => {
  const apps = openApiV3GroupVersion(builtinResources, 'apis/apps/v1') as Json;
  assert.ok(apps['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']);
  assert.equal(openApiV3GroupVersion(builtinResources, 'apis/none/v1'), undefined);
});

test('a new resource list with a custom resource gets its own documents', () => {
  const widget = defineResource({
    group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, schema: 'com.example.v1.Widget',
  });
  const resources = [...builtinResources, widget];
  const doc = openApiV3GroupVersion(resources, 'apis/example.com/v1') as Json;
  assert.ok(doc['paths']['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']);
  assert.equal(doc['components']['schemas']['com.example.v1.Widget']['x-kubernetes-preserve-unknown-fields'], true);
  assert.ok((openApiV3Index(resources) as Json)['paths']['apis/example.com/v1']);
  assert.equal((openApiV3Index(builtinResources) as Json)['paths']['apis/example.com/v1'], undefined);
});
