import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceRegistry, type KubeObject } from '../../../src/api/index.js';
import { DefaultStorageClassAdmission, pickDefaultStorageClass } from '../../../src/apiserver/admission/default-storage-class.js';

const registry = new ResourceRegistry();
const claims = registry.lookup('', 'v1', 'persistentvolumeclaims')!;
const pods = registry.lookup('', 'v1', 'pods')!;

function storageClass(name: string, created: string, isDefault: boolean | 'beta' = false): KubeObject {
  const annotations: Record<string, string> = {};
  if (isDefault === true) annotations['storageclass.kubernetes.io/is-default-class'] = 'true';
  if (isDefault === 'beta') annotations['storageclass.beta.kubernetes.io/is-default-class'] = 'true';
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, creationTimestamp: created, annotations }, provisioner: 'example.com/p' };
}

function claim(spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  };
}

function admission(classes: KubeObject[]): DefaultStorageClassAdmission {
  return new DefaultStorageClassAdmission((group, plural) => (group === 'storage.k8s.io' && plural === 'storageclasses' ? classes : []));
}

test('pickDefaultStorageClass() picks the newest default class, then the first by name', () => {
  const older = storageClass('older', '2026-01-01T00:00:00Z', true);
  const newer = storageClass('newer', '2026-02-01T00:00:00Z', 'beta');
  const plain = storageClass('plain', '2026-03-01T00:00:00Z');
  assert.equal(pickDefaultStorageClass([older, newer, plain])?.metadata.name, 'newer');
  const twinA = storageClass('a', '2026-02-01T00:00:00Z', true);
  assert.equal(pickDefaultStorageClass([newer, twinA])?.metadata.name, 'a');
  assert.equal(pickDefaultStorageClass([plain]), undefined);
});

test('DefaultStorageClassAdmission.admit() gives a new claim without a class the default class', async () => {
  const obj = claim();
  await admission([storageClass('fast', '2026-01-01T00:00:00Z'), storageClass('local-path', '2026-01-01T00:00:00Z', true)]).admit({ def: claims, operation: 'CREATE', obj, name: 'data', namespace: 'default' });
  assert.equal((obj.spec as { storageClassName?: string }).storageClassName, 'local-path');
});

test('DefaultStorageClassAdmission.admit() keeps a chosen class, "" and the beta annotation', async () => {
  const a = admission([storageClass('local-path', '2026-01-01T00:00:00Z', true)]);
  const empty = claim({ storageClassName: '' });
  await a.admit({ def: claims, operation: 'CREATE', obj: empty, name: 'data', namespace: 'default' });
  assert.equal((empty.spec as { storageClassName?: string }).storageClassName, '');
  const named = claim({ storageClassName: 'fast' });
  await a.admit({ def: claims, operation: 'CREATE', obj: named, name: 'data', namespace: 'default' });
  assert.equal((named.spec as { storageClassName?: string }).storageClassName, 'fast');
  const beta = claim({}, { 'volume.beta.kubernetes.io/storage-class': 'slow' });
  await a.admit({ def: claims, operation: 'CREATE', obj: beta, name: 'data', namespace: 'default' });
  assert.equal((beta.spec as { storageClassName?: string }).storageClassName, undefined);
});

test('DefaultStorageClassAdmission.admit() leaves claims alone without a default class, on update, and other kinds', async () => {
  const none = claim();
  await admission([storageClass('fast', '2026-01-01T00:00:00Z')]).admit({ def: claims, operation: 'CREATE', obj: none, name: 'data', namespace: 'default' });
  assert.equal((none.spec as { storageClassName?: string }).storageClassName, undefined);
  const a = admission([storageClass('local-path', '2026-01-01T00:00:00Z', true)]);
  const updated = claim();
  await a.admit({ def: claims, operation: 'UPDATE', obj: updated, old: claim(), name: 'data', namespace: 'default' });
  assert.equal((updated.spec as { storageClassName?: string }).storageClassName, undefined);
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: {} };
  await a.admit({ def: pods, operation: 'CREATE', obj: pod, name: 'p', namespace: 'default' });
  assert.deepEqual(pod.spec, {});
});
