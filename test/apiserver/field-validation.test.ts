import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaNodeFor } from '../../src/api/openapi/index.js';
import type { SchemaNode } from '../../src/api/index.js';
import { checkFields } from '../../src/apiserver/field-validation.js';

function schema(name: string): SchemaNode {
  const node = schemaNodeFor(name);
  assert.ok(node, `no schema for ${name}`);
  return node;
}

const podSchema = () => schema('io.k8s.api.core.v1.Pod');

test('checkFields() finds nothing wrong in a well-formed object', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: 'b' }, annotations: { 'x/y': 'z' } },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }], nodeSelector: { disk: 'ssd' } },
  };
  const copy = JSON.parse(JSON.stringify(obj));
  assert.deepEqual(checkFields(copy, podSchema()), { unknown: [], wrongType: [] });
  assert.deepEqual(copy, obj, 'nothing is removed');
});

test('checkFields() reports unknown fields by path and removes them', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', bogus: 1 },
    spec: { containers: [{ name: 'c', image: 'i', imagee: 'typo' }], extra: true },
    topLevel: 'x',
  };
  const problems = checkFields(obj, podSchema());
  assert.deepEqual(problems.unknown.sort(), ['metadata.bogus', 'spec.containers[0].imagee', 'spec.extra', 'topLevel']);
  assert.deepEqual(problems.wrongType, []);
  assert.deepEqual(obj, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
});

test('checkFields() reports values of the wrong JSON type', () => {
  const problems = checkFields(
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 1 } }, spec: { containers: 'nope', priority: 1.5 } },
    podSchema(),
  );
  assert.deepEqual(
    problems.wrongType.map((p) => [p.path, p.expected, p.got]).sort(),
    [['metadata.labels.a', 'string', 'integer'], ['spec.containers', 'array', 'string'], ['spec.priority', 'integer', 'number']],
  );
  const top = checkFields([], podSchema());
  assert.deepEqual(top.wrongType, [{ path: '.', expected: 'object', got: 'array' }]);
});

test('checkFields() accepts null anywhere and integers where numbers are expected', () => {
  assert.deepEqual(checkFields({ apiVersion: 'v1', kind: 'Pod', metadata: null, spec: { containers: null } }, podSchema()), { unknown: [], wrongType: [] });
  const node: SchemaNode = { type: 'number', field: () => undefined, items: () => undefined, values: () => undefined };
  assert.deepEqual(checkFields(3, node).wrongType, []);
  assert.deepEqual(checkFields('3', node).wrongType, [{ path: '.', expected: 'number', got: 'string' }]);
});

test('checkFields() does not look inside opaque or free-form values', () => {
  // int-or-string ports and a ConfigMap's free-form data.
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } };
  assert.deepEqual(checkFields(svc, schema('io.k8s.api.core.v1.Service')), { unknown: [], wrongType: [] });
  const unknownSchema = checkFields({ anything: { goes: [1] } }, undefined);
  assert.deepEqual(unknownSchema, { unknown: [], wrongType: [] });
});
