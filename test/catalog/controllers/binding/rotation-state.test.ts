import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/index.js';
import { brokerBindingIds, currentBindingId, encodeRotationState, rotationRequested, rotationState } from '../../../../src/catalog/controllers/binding/rotation-state.js';

const binding = (annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'servicecatalog.k8s.io/v1beta1',
  kind: 'ServiceBinding',
  metadata: { name: 'b', namespace: 'default', annotations },
  spec: { instanceRef: { name: 'i' }, externalID: 'first' },
});

test('rotationState() reads the annotation and tolerates junk; encodeRotationState() drops empty fields', () => {
  assert.deepEqual(rotationState(binding()), {});
  assert.deepEqual(rotationState(binding({ 'servicecatalog.wharf.dev/rotation': 'not json' })), {});
  assert.equal(encodeRotationState({ retiring: [], successor: undefined }), undefined);
  const text = encodeRotationState({ bindingID: 'second', retiring: ['first'], observed: '1' })!;
  assert.deepEqual(rotationState(binding({ 'servicecatalog.wharf.dev/rotation': text })), { bindingID: 'second', retiring: ['first'], observed: '1' });
});

test('currentBindingId(), rotationRequested() and brokerBindingIds() follow the rotation', () => {
  assert.equal(currentBindingId(binding()), 'first');
  assert.equal(rotationRequested(binding()), false);
  assert.equal(rotationRequested(binding({ 'servicecatalog.wharf.dev/rotate': '1' })), true);
  const rotated = binding({
    'servicecatalog.wharf.dev/rotate': '1',
    'servicecatalog.wharf.dev/rotation': encodeRotationState({ bindingID: 'second', successor: 'third', retiring: ['first'], observed: '1' })!,
  });
  assert.equal(rotationRequested(rotated), false);
  assert.equal(currentBindingId(rotated), 'second');
  assert.deepEqual(brokerBindingIds(rotated), ['second', 'third', 'first']);
});
