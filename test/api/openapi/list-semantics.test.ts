import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atomicStructs, listSemantics, semanticsExtensions } from '../../../src/api/openapi/list-semantics.js';

test('listSemantics covers the fields clients merge by key', () => {
  const core = 'io.k8s.api.core.v1';
  assert.equal(listSemantics[`${core}.PodSpec`]?.['containers']?.patchMergeKey, 'name');
  assert.equal(listSemantics[`${core}.PodSpec`]?.['volumes']?.patchStrategy, 'merge,retainKeys');
  assert.deepEqual(listSemantics[`${core}.Container`]?.['ports']?.listMapKeys, ['containerPort', 'protocol']);
  assert.equal(listSemantics[`${core}.Container`]?.['volumeMounts']?.patchMergeKey, 'mountPath');
  assert.deepEqual(listSemantics[`${core}.ServiceSpec`]?.['ports']?.listMapKeys, ['port', 'protocol']);
  assert.equal(listSemantics[`${core}.NodeStatus`]?.['addresses']?.patchMergeKey, 'type');
  assert.equal(listSemantics['io.k8s.api.apps.v1.DeploymentStatus']?.['conditions']?.patchMergeKey, 'type');
  assert.ok(atomicStructs.has('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'));
});

test('semanticsExtensions() spells the x-kubernetes keys', () => {
  assert.deepEqual(semanticsExtensions({ listType: 'map', listMapKeys: ['name'], patchStrategy: 'merge', patchMergeKey: 'name' }), {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-patch-merge-key': 'name',
  });
  assert.deepEqual(semanticsExtensions({ mapType: 'atomic' }), { 'x-kubernetes-map-type': 'atomic' });
});
