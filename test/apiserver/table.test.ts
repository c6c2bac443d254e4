import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnDefinitions, negotiate, partialObjectMetadata, toTable } from '../../src/apiserver/table.js';
import { defineResource, type KubeObject } from '../../src/api/index.js';
import { configMap, configMaps } from './fixtures.js';

// Tables are plain JSON; tests read them field by field.
type Json = any;

const bare = defineResource({ group: 'example.com', version: 'v1', kind: 'Thing', plural: 'things', namespaced: true, schema: 'x' });
const created = (name: string): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name, creationTimestamp: '2024-01-01T00:00:00Z' } });

test('toTable() writes a meta.k8s.io/v1 Table with Name first and the kind\'s columns', () => {
  const cm = { ...configMap('c'), data: { a: '1', b: '2' }, metadata: { name: 'c', namespace: 'default', creationTimestamp: new Date().toISOString() } };
  const table = toTable(configMaps, [cm], { resourceVersion: '5' }, 'Object') as Json;
  assert.equal(table.kind, 'Table');
  assert.equal(table.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(table.metadata, { resourceVersion: '5' });
  assert.deepEqual(table.columnDefinitions.map((c: Json) => c.name), ['Name', 'Data', 'Age']);
  assert.deepEqual(table.columnDefinitions[0], { ...table.columnDefinitions[0], name: 'Name', type: 'string', format: 'name', priority: 0 });
  assert.equal(table.rows.length, 1);
  assert.equal(table.rows[0].cells[0], 'c');
  assert.equal(table.rows[0].cells[1], 2);
  assert.equal(table.rows[0].object, cm);
});

test('toTable() includes the object, its metadata or nothing, as includeObject asks', () => {
  const cm = configMap('c');
  assert.deepEqual((toTable(configMaps, [cm], {}, 'Metadata') as Json).rows[0].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata });
  assert.equal('object' in (toTable(configMaps, [cm], {}, 'None') as Json).rows[0], false);
  assert.equal((toTable(configMaps, [cm], {}, 'None', false) as Json).columnDefinitions, null);
});

test('toTable() of a kind without printer columns shows Created At', () => {
  const table = toTable(bare, [created('t')], {}, 'None') as Json;
  assert.deepEqual(table.columnDefinitions.map((c: Json) => c.name), ['Name', 'Created At']);
  assert.deepEqual(table.rows[0].cells, ['t', '2024-01-01T00:00:00Z']);
});

test('columnDefinitions() of the default Created At column has type date, as Kubernetes\' default table convertor', () => {
  const col = columnDefinitions(bare)[1] as Json;
  assert.equal(col.type, 'date');
  assert.deepEqual({ ...col, description: undefined }, { name: 'Created At', type: 'date', format: '', description: undefined, priority: 0 });
});

test('toTable() shows <unknown> for a cell whose printer fails', () => {
  const failing = defineResource({
    group: 'example.com', version: 'v1', kind: 'Thing', plural: 'things', namespaced: true, schema: 'x',
    printerColumns: [{ name: 'Boom', type: 'string', description: 'fails', priority: 0, cell: () => { throw new Error('bad object'); } }],
  });
  assert.deepEqual((toTable(failing, [created('t')], {}, 'None') as Json).rows[0].cells, ['t', '<unknown>']);
});

test('partialObjectMetadata() keeps only metadata', () => {
  assert.deepEqual(partialObjectMetadata(configMap('c')), { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'c', namespace: 'default' } });
});

test('negotiate() reads as=Table / PartialObjectMetadata in meta.k8s.io and ignores other groups', () => {
  assert.deepEqual(negotiate(undefined), { as: undefined });
  assert.deepEqual(negotiate('application/json'), { as: undefined });
  assert.deepEqual(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'), { as: 'Table' });
  assert.deepEqual(negotiate('application/json;as=Table;v=v1beta1;g=meta.k8s.io'), { as: 'Table' });
  assert.deepEqual(negotiate('application/json; as=PartialObjectMetadataList; g=meta.k8s.io; v=v1'), { as: 'PartialObjectMetadataList' });
  assert.deepEqual(negotiate('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'), { as: 'PartialObjectMetadata' });
  assert.deepEqual(negotiate('application/json;as=Table;g=example.com;v=v1'), { as: undefined });
  assert.deepEqual(negotiate('application/yaml;as=Table;g=meta.k8s.io;v=v1'), { as: undefined });
});
