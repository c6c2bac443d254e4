import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isStatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/object.js';
import { decodeJwt } from '../../../src/apiserver/authn/jwt.js';
import { handleTokenRequest, tokenRequestBoundObjectRef } from '../../../src/apiserver/authn/token-request.js';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const now = new Date('2030-01-02T03:04:05.678Z');
const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci', uid: 'sa-uid' } };
const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'runner', namespace: 'ci', uid: 'pod-uid' },
  spec: { serviceAccountName: 'builder', nodeName: 'node-7' },
};

function statusOf(fn: () => unknown): { code: number; reason?: string; message?: string } {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return { code: e.code, reason: e.reason, message: e.status.message };
    throw e;
  }
  assert.fail('expected a StatusError');
}

test('handleTokenRequest() defaults the audiences and a one-hour expiry', () => {
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} };
  const out = handleTokenRequest(body, sa, key, ISSUER, { now });
  const { token, ...status } = out.status;
  assert.deepEqual({ ...out, status }, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: 'builder', namespace: 'ci', creationTimestamp: '2030-01-02T03:04:05Z' },
    spec: { audiences: [ISSUER], expirationSeconds: 3600, boundObjectRef: null },
    status: { expirationTimestamp: '2030-01-02T04:04:05Z' },
  });
  const claims = decodeJwt(token)!.payload;
  assert.equal(claims.sub, 'system:serviceaccount:ci:builder');
  assert.deepEqual(claims.aud, [ISSUER]);
  assert.equal(claims.exp, Math.floor(now.getTime() / 1000) + 3600);
  assert.deepEqual(handleTokenRequest({}, sa, key, ISSUER, { now, audiences: ['api'] }).spec.audiences, ['api']);
});

test('handleTokenRequest() honours requested audiences and expiry, shortened to the maximum', () => {
  const body = { spec: { audiences: ['vault'], expirationSeconds: 7200 } };
  const out = handleTokenRequest(body, sa, key, ISSUER, { now });
  assert.deepEqual(out.spec, { audiences: ['vault'], expirationSeconds: 7200, boundObjectRef: null });
  assert.deepEqual(decodeJwt(out.status.token)!.payload.aud, ['vault']);
  assert.equal(handleTokenRequest(body, sa, key, ISSUER, { now, maxExpirationSeconds: 3600 }).spec.expirationSeconds, 3600);
});

test('handleTokenRequest() answers 422 for an expiry under ten minutes', () => {
  assert.deepEqual(statusOf(() => handleTokenRequest({ spec: { expirationSeconds: 60 } }, sa, key, ISSUER)), {
    code: 422,
    reason: 'Invalid',
    message: 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
  });
  assert.equal(statusOf(() => handleTokenRequest({ spec: { expirationSeconds: 2 ** 33 } }, sa, key, ISSUER)).code, 422);
  assert.equal(statusOf(() => handleTokenRequest({ spec: { expirationSeconds: '1h' } }, sa, key, ISSUER)).code, 400);
});

test('handleTokenRequest() answers 422 for a name or namespace other than the account\'s', () => {
  assert.deepEqual(statusOf(() => handleTokenRequest({ metadata: { name: 'other' } }, sa, key, ISSUER)), {
    code: 422,
    reason: 'Invalid',
    message: 'TokenRequest.authentication.k8s.io "builder" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified',
  });
  assert.equal(statusOf(() => handleTokenRequest({ metadata: { namespace: 'prod' } }, sa, key, ISSUER)).code, 422);
  assert.equal(handleTokenRequest({ metadata: { name: 'builder', namespace: 'ci' } }, sa, key, ISSUER).metadata.name, 'builder');
});

test('handleTokenRequest() answers 400 for a body that is not a TokenRequest', () => {
  assert.equal(statusOf(() => handleTokenRequest('x', sa, key, ISSUER)).code, 400);
  assert.equal(statusOf(() => handleTokenRequest({ kind: 'Pod' }, sa, key, ISSUER)).code, 400);
  assert.equal(statusOf(() => handleTokenRequest({ spec: { audiences: [1] } }, sa, key, ISSUER)).code, 400);
});

test('handleTokenRequest() binds a token to a pod of the account, naming its node', () => {
  const body = { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner', uid: 'pod-uid' } } };
  assert.deepEqual(tokenRequestBoundObjectRef(body), { kind: 'Pod', apiVersion: 'v1', name: 'runner', uid: 'pod-uid' });
  assert.equal(tokenRequestBoundObjectRef({ spec: {} }), undefined);
  const out = handleTokenRequest(body, sa, key, ISSUER, { now, boundObject: pod });
  assert.deepEqual(out.spec.boundObjectRef, body.spec.boundObjectRef);
  assert.deepEqual(decodeJwt(out.status.token)!.payload['kubernetes.io'], {
    namespace: 'ci',
    serviceaccount: { name: 'builder', uid: 'sa-uid' },
    pod: { name: 'runner', uid: 'pod-uid' },
    node: { name: 'node-7' },
  });
});

test('handleTokenRequest() refuses bindings Kubernetes refuses', () => {
  const ref = (r: Record<string, string>) => ({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'runner', ...r } } });
  assert.deepEqual(statusOf(() => handleTokenRequest(ref({ kind: 'ConfigMap', name: 'c' }), sa, key, ISSUER)), {
    code: 400,
    reason: 'BadRequest',
    message: 'cannot bind token to object of type /v1, Kind=ConfigMap',
  });
  assert.equal(statusOf(() => handleTokenRequest(ref({ apiVersion: 'apps/v1', kind: 'Deployment' }), sa, key, ISSUER)).message, 'cannot bind token to object of type apps/v1, Kind=Deployment');
  assert.deepEqual(statusOf(() => handleTokenRequest(ref({}), sa, key, ISSUER)), {
    code: 404,
    reason: 'NotFound',
    message: 'pods "runner" not found',
  });
  const otherPod = { ...pod, spec: { serviceAccountName: 'default' } };
  assert.deepEqual(statusOf(() => handleTokenRequest(ref({}), sa, key, ISSUER, { boundObject: otherPod })), {
    code: 400,
    reason: 'BadRequest',
    message: 'cannot bind token for serviceaccount "builder" to pod running with different serviceaccount name.',
  });
  assert.deepEqual(statusOf(() => handleTokenRequest(ref({ uid: 'old-uid' }), sa, key, ISSUER, { boundObject: pod })), {
    code: 409,
    reason: 'Conflict',
    message:
      'Operation cannot be fulfilled on Pod "runner": the UID in the bound object reference (old-uid) does not match the UID in record. The object might have been deleted and then recreated',
  });
});

test('handleTokenRequest() binds to a secret with the secret claim', () => {
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ci', uid: 'secret-uid' } };
  const out = handleTokenRequest({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } } }, sa, key, ISSUER, { boundObject: secret });
  const k = decodeJwt(out.status.token)!.payload['kubernetes.io'] as Record<string, unknown>;
  assert.deepEqual(k.secret, { name: 's', uid: 'secret-uid' });
});
