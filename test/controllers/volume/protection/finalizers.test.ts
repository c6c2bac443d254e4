import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../../src/api/index.js';
import { isDeletionCandidate, needsFinalizer, PVC_PROTECTION_FINALIZER, withFinalizer, withoutFinalizer } from '../../../../src/controllers/volume/protection/finalizers.js';

function claim(finalizers?: string[], deleting = false): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'default', finalizers, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) } };
}

test('needsFinalizer() and isDeletionCandidate() split live objects from ones being deleted', () => {
  assert.equal(needsFinalizer(claim(), PVC_PROTECTION_FINALIZER), true);
  assert.equal(needsFinalizer(claim([PVC_PROTECTION_FINALIZER]), PVC_PROTECTION_FINALIZER), false);
  assert.equal(needsFinalizer(claim(undefined, true), PVC_PROTECTION_FINALIZER), false, 'never added to an object being deleted');
  assert.equal(isDeletionCandidate(claim([PVC_PROTECTION_FINALIZER], true), PVC_PROTECTION_FINALIZER), true);
  assert.equal(isDeletionCandidate(claim([PVC_PROTECTION_FINALIZER]), PVC_PROTECTION_FINALIZER), false);
  assert.equal(isDeletionCandidate(claim(['other'], true), PVC_PROTECTION_FINALIZER), false);
});

test('withFinalizer() and withoutFinalizer() copy, keeping other finalizers', () => {
  const original = claim(['example.com/keep']);
  const added = withFinalizer(original, PVC_PROTECTION_FINALIZER);
  assert.deepEqual(added.metadata.finalizers, ['example.com/keep', PVC_PROTECTION_FINALIZER]);
  assert.deepEqual(original.metadata.finalizers, ['example.com/keep'], 'the informer copy is untouched');
  assert.deepEqual(withoutFinalizer(added, PVC_PROTECTION_FINALIZER).metadata.finalizers, ['example.com/keep']);
});
