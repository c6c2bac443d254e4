import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isStatusError } from '../../../src/api/errors.js';
import { decodeJwt, signJwt } from '../../../src/apiserver/authn/jwt.js';
import {
  createServiceAccountTokenAuthenticator,
  issueServiceAccountToken,
  type ServiceAccountTokenOptions,
} from '../../../src/apiserver/authn/service-account-token.js';

const pem = (k: { export(o: { type: 'pkcs1' | 'spki' | 'pkcs8'; format: 'pem' }): string | Buffer }, type: 'pkcs1' | 'spki' | 'pkcs8') =>
  k.export({ type, format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const priv = pem(rsa.privateKey, 'pkcs1');
const pub = pem(rsa.publicKey, 'spki');
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const T0 = Date.parse('2030-06-01T12:00:00Z');

const base: ServiceAccountTokenOptions = {
  issuer: ISSUER,
  namespace: 'team-a',
  name: 'builder',
  uid: 'sa-uid-1',
  audiences: [ISSUER],
  expirationSeconds: 3600,
  now: new Date(T0),
};

/** Expects a 401 Unauthorized whose logged cause matches `cause`. */
function is401(cause: RegExp) {
  return (e: unknown) => isStatusError(e) && e.code === 401 && e.reason === 'Unauthorized' && cause.test(String(e.cause));
}

test('issueServiceAccountToken() writes the claims of a Kubernetes bound token', () => {
  const { token, expirationTimestamp } = issueServiceAccountToken(priv, {
    ...base,
    boundObject: { kind: 'Pod', name: 'web-1', uid: 'pod-uid' },
    node: { name: 'node-1' },
  });
  const jwt = decodeJwt(token);
  assert.ok(jwt);
  assert.equal(jwt.header.alg, 'RS256');
  const { jti, ...claims } = jwt.payload;
  assert.match(String(jti), /^[0-9a-f-]{36}$/);
  const iat = T0 / 1000;
  assert.deepEqual(claims, {
    aud: [ISSUER],
    exp: iat + 3600,
    iat,
    iss: ISSUER,
    'kubernetes.io': {
      namespace: 'team-a',
      serviceaccount: { name: 'builder', uid: 'sa-uid-1' },
      pod: { name: 'web-1', uid: 'pod-uid' },
      node: { name: 'node-1' },
    },
    nbf: iat,
    sub: 'system:serviceaccount:team-a:builder',
  });
  assert.equal(expirationTimestamp, '2030-06-01T13:00:00Z');
  assert.throws(() => issueServiceAccountToken(priv, { ...base, expirationSeconds: 0 }), RangeError);
});

test('createServiceAccountTokenAuthenticator() accepts a valid token as the ServiceAccount user', async () => {
  const auth = createServiceAccountTokenAuthenticator({ publicKeyPem: pub, issuer: ISSUER, now: () => T0 + 1000 });
  const { token } = issueServiceAccountToken(priv, { ...base, boundObject: { kind: 'Pod', name: 'web-1', uid: 'pod-uid' } });
  const jti = decodeJwt(token)!.payload.jti;
  assert.deepEqual(await auth(token), {
    username: 'system:serviceaccount:team-a:builder',
    uid: 'sa-uid-1',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a'],
    extra: {
      'authentication.kubernetes.io/pod-name': ['web-1'],
      'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      'authentication.kubernetes.io/credential-id': [`JTI=${jti}`],
    },
  });
});

test('createServiceAccountTokenAuthenticator() accepts ES256 tokens from a P-256 key', async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const auth = createServiceAccountTokenAuthenticator({ publicKeyPem: [pub, pem(ec.publicKey, 'spki')], issuer: ISSUER, now: () => T0 });
  const { token } = issueServiceAccountToken(pem(ec.privateKey, 'pkcs8'), base);
  assert.equal(decodeJwt(token)?.header.alg, 'ES256');
  assert.equal((await auth(token))?.username, 'system:serviceaccount:team-a:builder');
});

test('createServiceAccountTokenAuthenticator() refuses expired and not yet valid tokens, allowing a minute of skew', async () => {
  let now = T0;
  const auth = createServiceAccountTokenAuthenticator({ publicKeyPem: pub, issuer: ISSUER, now: () => now });
  const { token } = issueServiceAccountToken(priv, { ...base, expirationSeconds: 600 });
  now = T0 + 600_000 + 30_000;
  assert.ok(await auth(token), 'within the leeway');
  now = T0 + 600_000 + 61_000;
  await assert.rejects(auth(token), is401(/has expired/), 'also when the valid answer was cached');
  const fresh = issueServiceAccountToken(priv, { ...base, expirationSeconds: 600 }).token;
  await assert.rejects(auth(fresh), is401(/has expired/));
  now = T0 - 120_000;
  await assert.rejects(auth(issueServiceAccountToken(priv, base).token), is401(/not valid yet/));
});

test('createServiceAccountTokenAuthenticator() refuses tampered tokens and tokens signed by another key', async () => {
  const auth = createServiceAccountTokenAuthenticator({ publicKeyPem: pub, issuer: ISSUER, now: () => T0 });
  const { token } = issueServiceAccountToken(priv, base);
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims['kubernetes.io'].namespace = 'kube-system';
  claims.sub = 'system:serviceaccount:kube-system:builder';
  const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  await assert.rejects(auth(tampered), is401(/signature is invalid/));
  await assert.rejects(auth(`${h}.${p}.${s.slice(0, -4)}AAAA`), is401(/signature is invalid/));

  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await assert.rejects(auth(issueServiceAccountToken(pem(other.privateKey, 'pkcs1'), base).token), is401(/signature is invalid/));
});

test('createServiceAccountTokenAuthenticator() leaves other issuers\' tokens and non-JWTs to other authenticators', async () => {
  const auth = createServiceAccountTokenAuthenticator({ publicKeyPem: pub, issuer: ISSUER, now: () => T0 });
  assert.equal(await auth(issueServiceAccountToken(priv, { ...base, issuer: 'https://elsewhere' }).token), undefined);
  assert.equal(await auth('static-token-value'), undefined);
});

test('createServiceAccountTokenAuthenticator() checks audiences and the subject against the claims', async () => {
  const auth = createServiceAccountTokenAuthenticator({ publicKeyPem: pub, issuer: ISSUER, audiences: ['api', 'wharf'], now: () => T0 });
  await assert.rejects(auth(issueServiceAccountToken(priv, base).token), is401(/audiences/));
  assert.ok(await auth(issueServiceAccountToken(priv, { ...base, audiences: ['vault', 'wharf'] }).token));

  const forged = signJwt(
    { iss: ISSUER, aud: ['api'], exp: T0 / 1000 + 600, sub: 'system:serviceaccount:kube-system:admin', 'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'builder' } } },
    priv,
  );
  await assert.rejects(auth(forged), is401(/subject does not match/));
  const noClaim = signJwt({ iss: ISSUER, aud: ['api'], exp: T0 / 1000 + 600, sub: 'system:serviceaccount:a:b' }, priv);
  await assert.rejects(auth(noClaim), is401(/kubernetes\.io claim/));
  const noExp = signJwt({ iss: ISSUER, aud: ['api'], sub: 'x' }, priv);
  await assert.rejects(auth(noExp), is401(/no expiry/));
});

test('createServiceAccountTokenAuthenticator() with lookups refuses tokens of deleted accounts and bound objects', async () => {
  let now = T0;
  let accountExists = true;
  let podExists = true;
  const accountCalls: unknown[][] = [];
  const boundCalls: unknown[] = [];
  const auth = createServiceAccountTokenAuthenticator({
    publicKeyPem: pub,
    issuer: ISSUER,
    now: () => now,
    lookup: async (...args) => {
      accountCalls.push(args);
      return accountExists;
    },
    lookupBoundObject: async (ref) => {
      boundCalls.push(ref);
      return podExists;
    },
  });
  const { token } = issueServiceAccountToken(priv, { ...base, boundObject: { kind: 'Pod', name: 'web-1', uid: 'pod-uid' } });
  assert.ok(await auth(token));
  assert.deepEqual(accountCalls, [['team-a', 'builder', 'sa-uid-1']]);
  assert.deepEqual(boundCalls, [{ kind: 'Pod', namespace: 'team-a', name: 'web-1', uid: 'pod-uid' }]);

  accountExists = false;
  assert.ok(await auth(token), 'a recent answer is reused for a few seconds');
  now += 11_000;
  await assert.rejects(auth(token), is401(/service account team-a\/builder has been deleted/));

  accountExists = true;
  podExists = false;
  await assert.rejects(auth(token), is401(/the Pod web-1 .* has been deleted/));
});
