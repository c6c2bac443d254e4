import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { badRequest, isStatusError, type KubeObject } from '../../../src/api/index.js';
import { authenticateBootstrapToken, withBootstrapTokens } from '../../../src/apiserver/authn/bootstrap-token.js';
import { rejected } from '../../../src/apiserver/authn/rejected.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const now = new Date('2026-11-27T00:00:00Z');

function secret(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...extra,
  };
}
const good = { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true', expiration: '2026-11-28T00:00:00Z' };
const lookupOf = (s: KubeObject | undefined) => async (name: string) => (name === 'bootstrap-token-abcdef' ? s : undefined);

test('authenticateBootstrapToken() accepts a matching, unexpired token as system:bootstrap:<id>', async () => {
  const r = await authenticateBootstrapToken('abcdef.0123456789abcdef', lookupOf(secret({ ...good, 'auth-extra-groups': 'system:bootstrappers:edge, system:bootstrappers:x' })), now);
  assert.deepEqual(r, { user: { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:edge', 'system:bootstrappers:x'] } });
});

test('authenticateBootstrapToken() leaves tokens of another shape to other authenticators', async () => {
  for (const t of ['abcdef0123456789abcdef', 'ABCDEF.0123456789abcdef', 'abcdef.0123456789abcde', 'eyJhbGciOi.x.y']) {
    assert.equal(await authenticateBootstrapToken(t, lookupOf(secret(good)), now), undefined, t);
  }
});

test('authenticateBootstrapToken() refuses missing, mismatched, expired, unusable and deleted tokens', async () => {
  const cases: [string, KubeObject | undefined, RegExp][] = [
    ['no secret', undefined, /no bootstrap token secret/],
    ['wrong secret', secret({ ...good, 'token-secret': 'ffffffffffffffff' }), /does not match/],
    ['wrong id', secret({ ...good, 'token-id': 'zzzzzz' }), /does not match/],
    ['expired', secret({ ...good, expiration: '2026-11-26T23:59:59Z' }), /expired/],
    ['unreadable expiration', secret({ ...good, expiration: 'tomorrow' }), /expired/],
    ['no auth usage', secret({ ...good, 'usage-bootstrap-authentication': 'false' }), /not for authentication/],
    ['bad group', secret({ ...good, 'auth-extra-groups': 'system:masters' }), /invalid extra group "system:masters"/],
    ['other type', secret(good, { type: 'Opaque' }), /of type Opaque/],
    ['deleting', secret(good, { metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system', deletionTimestamp: '2026-11-26T00:00:00Z' } }), /being deleted/],
  ];
  for (const [what, s, why] of cases) {
    const r = await authenticateBootstrapToken('abcdef.0123456789abcdef', lookupOf(s), now);
    assert.ok(r && 'refused' in r, what);
    assert.match(r.refused, why, what);
  }
});

test('authenticateBootstrapToken() without an expiration never expires', async () => {
  const { expiration: _, ...forever } = good;
  const r = await authenticateBootstrapToken('abcdef.0123456789abcdef', lookupOf(secret(forever)), new Date('2999-01-01T00:00:00Z'));
  assert.ok(r && 'user' in r);
});

function request(authorization?: string): IncomingMessage {
  return { headers: authorization ? { authorization } : {} } as IncomingMessage;
}

test('withBootstrapTokens() asks the inner authenticator first and judges only bootstrap-shaped tokens it refuses', async () => {
  const admin = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
  const inner = {
    async authenticate(req: IncomingMessage) {
      if (req.headers.authorization === 'Bearer static') return admin;
      if (req.headers.authorization) throw rejected('invalid bearer token');
      return { username: 'system:anonymous', groups: ['system:unauthenticated'] };
    },
  };
  const authn = withBootstrapTokens(inner, lookupOf(secret(good)), () => now);
  assert.deepEqual(await authn.authenticate(request('Bearer static')), admin);
  const req = request('Bearer abcdef.0123456789abcdef');
  const user = await authn.authenticate(req);
  assert.equal(user.username, 'system:bootstrap:abcdef');
  assert.deepEqual(user.groups, ['system:bootstrappers', 'system:authenticated']);
  assert.equal(req.headers.authorization, undefined, 'the credential is dropped once used');

  await assert.rejects(authn.authenticate(request('Bearer abcdef.ffffffffffffffff')), (e) => isStatusError(e) && e.status.code === 401 && e.status.message === 'Unauthorized');
  await assert.rejects(authn.authenticate(request('Bearer nonsense')), (e) => isStatusError(e) && e.status.code === 401);
  const failing = withBootstrapTokens({ authenticate: async (_req: IncomingMessage): Promise<never> => { throw badRequest('broken'); } }, lookupOf(secret(good)));
  await assert.rejects(failing.authenticate(request('Bearer abcdef.0123456789abcdef')), (e) => isStatusError(e) && e.status.code === 400);
});
