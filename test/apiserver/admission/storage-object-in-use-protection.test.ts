import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceRegistry, type KubeObject } from '../../../src/api/index.js';
import { admitStorageObjectInUseProtection } from '../../../src/apiserver/admission/storage-object-in-use-protection.js';

const registry = new ResourceRegistry();
const claims = registry.lookup('', 'v1', 'persistentvolumeclaims')!;
const volumes = registry.lookup('', 'v1', 'persistentvolumes')!;
const pods = registry.lookup('', 'v1', 'pods')!;

function obj(kind: string, finalizers?: string[]): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name: 'x', ...(finalizers ? { finalizers } : {}) }, spec: {} };
}

test('admitStorageObjectInUseProtection() adds the protection finalizer to new claims and volumes', () => {
  const claim = obj('PersistentVolumeClaim');
  admitStorageObjectInUseProtection({ def: claims, operation: 'CREATE', obj: claim, name: 'x', namespace: 'default' });
  assert.deepEqual(claim.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const volume = obj('PersistentVolume', ['example.com/keep']);
  admitStorageObjectInUseProtection({ def: volumes, operation: 'CREATE', obj: volume, name: 'x' });
  assert.deepEqual(volume.metadata.finalizers, ['example.com/keep', 'kubernetes.io/pv-protection']);
});

test('admitStorageObjectInUseProtection() adds nothing twice, nothing on update, nothing to other kinds', () => {
  const again = obj('PersistentVolumeClaim', ['kubernetes.io/pvc-protection']);
  admitStorageObjectInUseProtection({ def: claims, operation: 'CREATE', obj: again, name: 'x', namespace: 'default' });
  assert.deepEqual(again.metadata.finalizers, ['kubernetes.io/pvc-protection']);
  const updated = obj('PersistentVolume');
  admitStorageObjectInUseProtection({ def: volumes, operation: 'UPDATE', obj: updated, old: obj('PersistentVolume'), name: 'x' });
  assert.equal(updated.metadata.finalizers, undefined);
  const pod = obj('Pod');
  admitStorageObjectInUseProtection({ def: pods, operation: 'CREATE', obj: pod, name: 'x', namespace: 'default' });
  assert.equal(pod.metadata.finalizers, undefined);
});
