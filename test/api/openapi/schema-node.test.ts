import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaNodeFor } from '../../../src/api/openapi/schema-node.js';

test('schemaNodeFor() walks Pod -> spec -> containers -> items -> ports', () => {
  const pod = schemaNodeFor('io.k8s.api.core.v1.Pod');
  assert.ok(pod);
  assert.equal(pod.type, 'object');
  const containers = pod.field('spec')?.field('containers');
  assert.equal(containers?.type, 'array');
  assert.equal(containers?.patchMergeKey, 'name');
  assert.equal(containers?.listType, 'map');
  const ports = containers?.items()?.field('ports');
  assert.equal(ports?.listType, 'map');
  assert.deepEqual(ports?.listMapKeys, ['containerPort', 'protocol']);
  assert.equal(ports?.patchMergeKey, 'containerPort');
  assert.equal(ports?.items()?.field('containerPort')?.type, 'integer');
});

test('schemaNodeFor() exposes maps, atomic structs and opaque values', () => {
  const meta = schemaNodeFor('io.k8s.api.core.v1.Pod')?.field('metadata');
  assert.equal(meta?.field('labels')?.values()?.type, 'string');
  assert.equal(meta?.field('finalizers')?.listType, 'set');
  assert.equal(meta?.field('ownerReferences')?.patchMergeKey, 'uid');
  const selector = schemaNodeFor('io.k8s.api.apps.v1.Deployment')?.field('spec')?.field('selector');
  assert.equal(selector?.mapType, 'atomic');
  const target = schemaNodeFor('io.k8s.api.core.v1.ServicePort')?.field('targetPort');
  assert.equal(target?.opaque, true);
  assert.equal(target?.type, undefined);
  assert.equal(schemaNodeFor('io.k8s.api.core.v1.Pod')?.field('nope'), undefined);
});

test('schemaNodeFor() returns undefined for unknown definitions', () => {
  assert.equal(schemaNodeFor('com.example.v1.Nothing'), undefined);
});

test('field() knows only declared properties: names on Object.prototype are not fields', () => {
  const pod = schemaNodeFor('io.k8s.api.core.v1.Pod');
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.equal(pod?.field(name), undefined, name);
  const labels = pod?.field('metadata')?.field('labels');
  assert.equal(labels?.field('constructor'), undefined);
  assert.equal(labels?.values()?.type, 'string');
  // The same node every time a declared field is asked for.
  assert.equal(pod?.field('spec'), pod?.field('spec'));
});
