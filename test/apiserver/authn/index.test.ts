import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { anonymousUser } from '../../../src/apiserver/request-context.js';
import { bearerToken, createAuthenticator, issueServiceAccountToken, type AuthenticatorOptions } from '../../../src/apiserver/authn/index.js';
import { signCertificate } from '../../../src/apiserver/pki/sign-certificate.js';
import { request, startServer, testPki } from './fixtures.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-authn-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server authenticating with the cluster CA, a token file and ServiceAccount tokens. */
async function serve(t: { after: (fn: () => void) => void }, extra: Partial<AuthenticatorOptions> = {}) {
  const pki = await testPki();
  const tokenFile = path.join(tempDir(t), 'tokens.csv');
  writeFileSync(tokenFile, 'alice-token,alice,1001,"dev,ops"\nbot-token,ci-bot,2002\n');
  const auth = createAuthenticator({
    clientCaPem: pki.ca.cert,
    tokenFile,
    serviceAccount: { publicKeyPem: pki.serviceAccount.publicKey, issuer: ISSUER },
    ...extra,
  });
  const server = await startServer(pki, auth);
  t.after(() => void server.close());
  const saToken = (over: { expirationSeconds?: number; now?: Date; key?: string } = {}) =>
    issueServiceAccountToken(over.key ?? pki.serviceAccount.privateKey, {
      issuer: ISSUER,
      namespace: 'default',
      name: 'default',
      uid: 'sa-uid',
      audiences: [ISSUER],
      expirationSeconds: over.expirationSeconds ?? 3600,
      now: over.now,
    }).token;
  return { pki, port: server.port, saToken };
}

test('createAuthenticator() authenticates the admin certificate as kubernetes-admin in system:masters', async (t) => {
  const { pki, port } = await serve(t);
  const answer = await request(port, pki, { cert: pki.admin.cert, key: pki.admin.key });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
});

test('createAuthenticator() answers 401 for certificates from another CA or expired', async (t) => {
  const { pki, port } = await serve(t);
  const otherCa = await signCertificate({ commonName: 'other-ca', days: 10, isCA: true });
  const foreign = await signCertificate({ commonName: 'kubernetes-admin', organizations: ['system:masters'], days: 10, clientAuth: true }, otherCa);
  assert.deepEqual(await request(port, pki, foreign), { status: 401, body: UNAUTHORIZED });
  const expired = await signCertificate({ commonName: 'old', days: 1, clientAuth: true, notBefore: new Date(Date.now() - 5 * 86_400_000) }, pki.ca);
  assert.deepEqual(await request(port, pki, expired), { status: 401, body: UNAUTHORIZED });
  // As in Kubernetes' union authenticator, a valid token still wins over a failed certificate.
  const withToken = await request(port, pki, { ...foreign, token: 'alice-token' });
  assert.equal(withToken.status, 200);
  assert.equal(withToken.body.username, 'alice');
});

test('createAuthenticator() authenticates token file users and refuses unknown tokens', async (t) => {
  const { pki, port } = await serve(t);
  assert.deepEqual((await request(port, pki, { token: 'alice-token' })).body, {
    username: 'alice',
    uid: '1001',
    groups: ['dev', 'ops', 'system:authenticated'],
  });
  assert.deepEqual((await request(port, pki, { authorization: 'bearer bot-token' })).body, {
    username: 'ci-bot',
    uid: '2002',
    groups: ['system:authenticated'],
  });
  assert.deepEqual(await request(port, pki, { token: 'guess' }), { status: 401, body: UNAUTHORIZED });
});

test('createAuthenticator() authenticates ServiceAccount tokens and refuses expired, tampered and foreign ones', async (t) => {
  const { pki, port, saToken } = await serve(t);
  const ok = await request(port, pki, { token: saToken() });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.username, 'system:serviceaccount:default:default');
  assert.equal(ok.body.uid, 'sa-uid');
  assert.deepEqual(ok.body.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);

  const expired = saToken({ expirationSeconds: 600, now: new Date(Date.now() - 3600_000) });
  assert.deepEqual(await request(port, pki, { token: expired }), { status: 401, body: UNAUTHORIZED });

  const [h, p, s] = saToken().split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.exp += 86_400 * 365;
  const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  assert.deepEqual(await request(port, pki, { token: tampered }), { status: 401, body: UNAUTHORIZED });

  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  assert.deepEqual(await request(port, pki, { token: saToken({ key: otherKey }) }), { status: 401, body: UNAUTHORIZED });
});

test('createAuthenticator() makes a request without credentials system:anonymous, or 401 without anonymous auth', async (t) => {
  const { pki, port } = await serve(t);
  assert.deepEqual(await request(port, pki), { status: 200, body: { ...anonymousUser } });
  assert.deepEqual((await request(port, pki, { authorization: 'Basic YWRtaW46YWRtaW4=' })).body, { ...anonymousUser });
  assert.deepEqual((await request(port, pki, { authorization: 'Bearer ' })).body, { ...anonymousUser });

  const strict = await serve(t, { anonymous: false });
  assert.deepEqual(await request(strict.port, strict.pki), { status: 401, body: UNAUTHORIZED });
});

test('createAuthenticator() removes the Authorization header of an authenticated request', async (t) => {
  const tokenFile = path.join(tempDir(t), 'tokens.csv');
  writeFileSync(tokenFile, 'secret,alice,1\n');
  const auth = createAuthenticator({ tokenFile });
  const req = { headers: { authorization: 'Bearer secret' }, socket: new Socket() } as unknown as IncomingMessage;
  assert.equal((await auth.authenticate(req)).username, 'alice');
  assert.equal(req.headers.authorization, undefined);
  const refused = { headers: { authorization: 'Bearer wrong' }, socket: new Socket() } as unknown as IncomingMessage;
  await assert.rejects(auth.authenticate(refused), { code: 401 });
  assert.equal(refused.headers.authorization, 'Bearer wrong', 'a refused credential stays for the audit log to see it was presented');
});

test('createAuthenticator() rejects a ServiceAccount token whose account is gone, and passes storage errors on', async () => {
  const pki = await testPki();
  let answer: boolean | Error = false;
  const auth = createAuthenticator({
    serviceAccount: {
      publicKeyPem: pki.serviceAccount.publicKey,
      issuer: ISSUER,
      lookup: async () => {
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  });
  const token = issueServiceAccountToken(pki.serviceAccount.privateKey, {
    issuer: ISSUER, namespace: 'a', name: 'b', uid: 'u', audiences: [ISSUER], expirationSeconds: 3600,
  }).token;
  const req = () => ({ headers: { authorization: `Bearer ${token}` }, socket: new Socket() }) as unknown as IncomingMessage;
  await assert.rejects(auth.authenticate(req()), { code: 401 });
  answer = new Error('database is locked');
  await assert.rejects(auth.authenticate(req()), /database is locked/);
  answer = true;
  assert.equal((await auth.authenticate(req())).username, 'system:serviceaccount:a:b');
});

test('createAuthenticator() stops on a malformed token file, naming the line', (t) => {
  const tokenFile = path.join(tempDir(t), 'tokens.csv');
  writeFileSync(tokenFile, 'a,b,c\nbroken\n');
  assert.throws(() => createAuthenticator({ tokenFile }), new RegExp(`token file "${tokenFile.replace(/[.]/g, '\\.')}" line 2: must have at least 3 columns`));
});

test('bearerToken() reads "Bearer <token>" case-insensitively and nothing else', () => {
  const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
  assert.equal(bearerToken(req('Bearer abc')), 'abc');
  assert.equal(bearerToken(req('BEARER abc')), 'abc');
  assert.equal(bearerToken(req('  Bearer abc  ')), 'abc');
  assert.equal(bearerToken(req('Bearer  abc')), undefined);
  assert.equal(bearerToken(req('Basic abc')), undefined);
  assert.equal(bearerToken(req('Bearer')), undefined);
  assert.equal(bearerToken(req()), undefined);
});

const run = promisify(execFile);
async function hasKubectl(): Promise<boolean> {
  try {
    await run('kubectl', ['version', '--client']);
    return true;
  } catch {
    return false;
  }
}

test('kubectl with a kubeconfig holding the admin certificate is authenticated over TLS', async (t) => {
  if (!(await hasKubectl())) return t.skip('kubectl is not installed');
  const { pki, port, saToken } = await serve(t);
  const dir = tempDir(t);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: wharf',
      '  cluster:',
      `    server: https://127.0.0.1:${port}`,
      `    certificate-authority-data: ${b64(pki.ca.cert)}`,
      'users:',
      '- name: admin',
      '  user:',
      `    client-certificate-data: ${b64(pki.admin.cert)}`,
      `    client-key-data: ${b64(pki.admin.key)}`,
      '- name: sa',
      `  user: {token: ${saToken()}}`,
      '- name: guesser',
      '  user: {token: guess}',
      'contexts:',
      '- name: wharf',
      '  context: {cluster: wharf, user: admin}',
      '- name: sa',
      '  context: {cluster: wharf, user: sa}',
      '- name: guesser',
      '  context: {cluster: wharf, user: guesser}',
      'current-context: wharf',
      '',
    ].join('\n'),
  );
  const kubectl = (...args: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, KUBECONFIG: '' } });

  const version = JSON.parse((await kubectl('version', '-o', 'json')).stdout);
  assert.equal(version.serverVersion.gitVersion, 'v1.32.0+wharf');
  const whoami = JSON.parse((await kubectl('get', '--raw', '/whoami')).stdout);
  assert.deepEqual(whoami, { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  const serviceAccount = JSON.parse((await kubectl('--context', 'sa', 'get', '--raw', '/whoami')).stdout);
  assert.equal(serviceAccount.username, 'system:serviceaccount:default:default');
  await assert.rejects(kubectl('--context', 'guesser', 'get', '--raw', '/whoami'), /Unauthorized/);
});

test('createAuthenticator() takes loopback tokens added after it was made, and refuses them once removed', async (t) => {
  const loopbackTokens = new Map<string, { username: string; groups: string[] }>();
  const { pki, port } = await serve(t, { loopbackTokens });
  const before = await request(port, pki, { token: 'in-memory-token' });
  assert.equal(before.status, 401);
  loopbackTokens.set('in-memory-token', { username: 'system:kube-scheduler', groups: ['system:masters'] });
  const during = await request(port, pki, { token: 'in-memory-token' });
  assert.equal(during.status, 200);
  assert.deepEqual(during.body, { username: 'system:kube-scheduler', groups: ['system:masters', 'system:authenticated'] });
  loopbackTokens.delete('in-memory-token');
  assert.equal((await request(port, pki, { token: 'in-memory-token' })).status, 401);
});
