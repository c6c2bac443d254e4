import { test } from 'node:test';
import assert from 'node:assert/strict';
import { persistentVolumeSecrets, podReferences } from '../../../src/apiserver/node-authz/pod-references.js';

test('podReferences() finds names in every container list, env, envFrom and volume kind, once each', () => {
  const refs = podReferences({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      imagePullSecrets: [{ name: 'pull' }, { name: 'pull' }],
      ephemeralContainers: [{ name: 'debug', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'debug-secret', key: 'k' } } }] }],
      containers: [{ name: 'c', env: [{ name: 'B', value: 'plain' }], envFrom: [{ secretRef: { name: 'from-secret' } }] }],
      volumes: [
        { name: 'a', azureFile: { secretName: 'azure', shareName: 's' } },
        { name: 'r', rbd: { monitors: [], image: 'i', secretRef: { name: 'rbd' } } },
        { name: 'f', flexVolume: { driver: 'd', secretRef: { name: 'flex' } } },
        { name: 'cm', configMap: { name: 'settings' } },
        { name: 'pj', projected: { sources: [{ serviceAccountToken: { path: 't' } }, { configMap: { name: 'settings' } }] } },
        { name: 'scratch', emptyDir: {} },
      ],
    },
  });
  assert.deepEqual(refs.secrets.sort(), ['azure', 'debug-secret', 'flex', 'from-secret', 'pull', 'rbd']);
  assert.deepEqual(refs.configMaps, ['settings']);
  assert.deepEqual(refs.claims, []);
  assert.equal(refs.serviceAccount, '');
});

test('persistentVolumeSecrets() names secrets in their own namespace or the claim\'s', () => {
  const secrets = persistentVolumeSecrets({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv' },
    spec: {
      claimRef: { namespace: 'app', name: 'data' },
      cephfs: { monitors: [], secretRef: { name: 'ceph' } },
      csi: { driver: 'd', volumeHandle: 'h', nodeStageSecretRef: { name: 'stage', namespace: 'storage' } },
    },
  });
  assert.deepEqual(secrets.sort(), ['app/ceph', 'storage/stage']);
});
