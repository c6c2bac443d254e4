import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceRegistry, StatusError, type KubeObject } from '../../../src/api/index.js';
import { PersistentVolumeClaimResizeAdmission } from '../../../src/apiserver/admission/persistent-volume-claim-resize.js';

const registry = new ResourceRegistry();
const claims = registry.lookup('', 'v1', 'persistentvolumeclaims')!;

function storageClass(name: string, allowVolumeExpansion?: boolean): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'example.com/p', ...(allowVolumeExpansion === undefined ? {} : { allowVolumeExpansion }) };
}

function claim(storage: string, phase: string, storageClassName = 'fast'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    status: { phase },
  };
}

const admission = new PersistentVolumeClaimResizeAdmission((group, plural) =>
  group === 'storage.k8s.io' && plural === 'storageclasses' ? [storageClass('fast', true), storageClass('fixed')] : [],
);

function resize(from: string, to: string, phase = 'Bound', className = 'fast'): Promise<void> {
  return admission.validate({ def: claims, operation: 'UPDATE', obj: claim(to, phase, className), old: claim(from, phase, className), namespace: 'default', name: 'data' });
}

async function refusal(p: Promise<void>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof StatusError, 'refused with a Status');
  assert.equal(e.code, 403);
  return e.message;
}

test('a bound claim of a class that allows expansion may grow', async () => {
  await resize('1Gi', '2Gi');
});

test('growing is refused with 403 for a class without allowVolumeExpansion, an unknown class and an unbound claim', async () => {
  assert.equal(
    await refusal(resize('1Gi', '2Gi', 'Bound', 'fixed')),
    'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
  );
  assert.match(await refusal(resize('1Gi', '2Gi', 'Bound', 'missing')), /must support resize/);
  assert.equal(await refusal(resize('1Gi', '2Gi', 'Pending')), 'persistentvolumeclaims "data" is forbidden: Only bound persistent volume claims can be expanded');
});

test('requests that do not grow, and creates, are not this step\'s business', async () => {
  await resize('2Gi', '2Gi', 'Pending', 'fixed');
  await resize('2Gi', '1Gi', 'Bound', 'fixed');
  await admission.validate({ def: claims, operation: 'CREATE', obj: claim('5Gi', 'Pending', 'fixed'), namespace: 'default', name: 'data' });
});
