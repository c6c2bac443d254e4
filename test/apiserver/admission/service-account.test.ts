import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomNameSuffix, tokenVolume } from '../../../src/apiserver/admission/service-account.js';
import { createNamespace, podBody, startAdmissionServer } from './harness.js';

test('a pod without a ServiceAccount runs as default and mounts the kube-api-access token volume in every container', async () => {
  const s = await startAdmissionServer();
  try {
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { initContainers: [{ name: 'init', image: 'busybox' }] }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const spec = r.body.spec;
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.serviceAccount, 'default');
    const mount = { name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    assert.deepEqual(spec.containers[0].volumeMounts, [mount]);
    assert.deepEqual(spec.initContainers[0].volumeMounts, [mount]);
    assert.deepEqual(spec.volumes, [
      {
        name: 'kube-api-access-abcde',
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
          defaultMode: 420,
        },
      },
    ]);
  } finally {
    await s.close();
  }
});

test('automountServiceAccountToken: false on the pod or its ServiceAccount mounts nothing; a mount at the token path is kept', async () => {
  const s = await startAdmissionServer();
  try {
    const off = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('off', { automountServiceAccountToken: false }));
    assert.equal(off.status, 201);
    assert.equal(off.body.spec.volumes, undefined);
    assert.equal(off.body.spec.containers[0].volumeMounts, undefined);

    const sa = await s.call('POST', '/api/v1/namespaces/default/serviceaccounts', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'regcred' }],
    });
    assert.equal(sa.status, 201);
    const quiet = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('quiet', { serviceAccountName: 'quiet' }));
    assert.equal(quiet.status, 201, JSON.stringify(quiet.body));
    assert.equal(quiet.body.spec.volumes, undefined);
    assert.deepEqual(quiet.body.spec.imagePullSecrets, [{ name: 'regcred' }]);

    // The pod's own choice wins over its ServiceAccount's.
    const on = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('on', { serviceAccountName: 'quiet', automountServiceAccountToken: true }));
    assert.equal(on.body.spec.volumes[0].name, 'kube-api-access-abcde');

    const own = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('own', {
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
      volumes: [{ name: 'mine', emptyDir: {} }],
    }));
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.deepEqual(own.body.spec.volumes.map((v: { name: string }) => v.name), ['mine']);
  } finally {
    await s.close();
  }
});

test('a pod naming a ServiceAccount that does not exist is forbidden; a missing default one is tolerated', async () => {
  const s = await startAdmissionServer();
  try {
    await createNamespace(s, 'team');
    const r = await s.call('POST', '/api/v1/namespaces/team/pods', podBody('p', { serviceAccountName: 'builder' }));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, 'pods "p" is forbidden: error looking up service account team/builder: serviceaccount "builder" not found');
    const ok = await s.call('POST', '/api/v1/namespaces/team/pods', podBody('q'));
    assert.equal(ok.status, 201);
    await s.call('POST', '/api/v1/namespaces/team/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
    const named = await s.call('POST', '/api/v1/namespaces/team/pods', podBody('p', { serviceAccountName: 'builder' }));
    assert.equal(named.status, 201);
    assert.equal(named.body.spec.serviceAccountName, 'builder');
  } finally {
    await s.close();
  }
});

test('a ServiceAccount enforcing mountable secrets refuses pods using other secrets', async () => {
  const s = await startAdmissionServer();
  try {
    await s.call('POST', '/api/v1/namespaces/default/serviceaccounts', {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'strict', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'allowed' }],
    });
    const r = await s.call('POST', '/api/v1/namespaces/default/pods', podBody('p', { serviceAccountName: 'strict', volumes: [{ name: 'v', secret: { secretName: 'other' } }] }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "p" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret');
  } finally {
    await s.close();
  }
});

test('randomNameSuffix() draws five characters from the vowel-free alphabet; tokenVolume() names the volume', () => {
  for (let i = 0; i < 50; i++) assert.match(randomNameSuffix(), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(tokenVolume('kube-api-access-xyz12').name, 'kube-api-access-xyz12');
});
