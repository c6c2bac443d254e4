import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { anonymousUser } from '../../../src/apiserver/request-context.js';
import { createClientCertificateAuthenticator } from '../../../src/apiserver/authn/client-certificate.js';
import { issueClientCertificate } from '../../../src/apiserver/pki/index.js';
import { signCertificate } from '../../../src/apiserver/pki/sign-certificate.js';
import { request, startServer, testPki } from './fixtures.js';

/** An HTTPS server whose only authenticator is the certificate one, answering anonymous otherwise. */
async function serve(t: { after: (fn: () => Promise<void>) => void }, now?: () => number) {
  const pki = await testPki();
  const certs = createClientCertificateAuthenticator(pki.ca.cert, now);
  const server = await startServer(pki, { authenticate: async (req) => certs.authenticate(req.socket) ?? anonymousUser });
  t.after(() => server.close());
  return { pki, port: server.port };
}

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

test('createClientCertificateAuthenticator() reads the user from CN and the groups from O', async (t) => {
  const { pki, port } = await serve(t);
  const admin = await request(port, pki, { cert: pki.admin.cert, key: pki.admin.key });
  assert.equal(admin.status, 200);
  assert.deepEqual(admin.body, { username: 'kubernetes-admin', groups: ['system:masters'] });
  const jane = await issueClientCertificate(pki, 'jane', ['dev', 'ops']);
  assert.deepEqual((await request(port, pki, jane)).body, { username: 'jane', groups: ['dev', 'ops'] });
  const solo = await issueClientCertificate(pki, 'solo', []);
  assert.deepEqual((await request(port, pki, solo)).body, { username: 'solo', groups: [] });
});

test('createClientCertificateAuthenticator() ignores a connection without a certificate', async (t) => {
  const { pki, port } = await serve(t);
  assert.deepEqual((await request(port, pki)).body, anonymousUser);
  const certs = createClientCertificateAuthenticator(pki.ca.cert);
  assert.equal(certs.authenticate(new Socket()), undefined, 'plain HTTP carries no certificate');
});

test('createClientCertificateAuthenticator() answers 401 for a certificate from another CA', async (t) => {
  const { pki, port } = await serve(t);
  const otherCa = await signCertificate({ commonName: 'other-ca', days: 10, isCA: true });
  const intruder = await signCertificate({ commonName: 'kubernetes-admin', organizations: ['system:masters'], days: 10, clientAuth: true }, otherCa);
  const answer = await request(port, pki, intruder);
  assert.equal(answer.status, 401);
  assert.deepEqual(answer.body, UNAUTHORIZED);
  // A self-signed certificate naming the admin is no better.
  const selfSigned = await signCertificate({ commonName: 'kubernetes-admin', organizations: ['system:masters'], days: 10, isCA: true });
  assert.equal((await request(port, pki, selfSigned)).status, 401);
});

test('createClientCertificateAuthenticator() answers 401 for an expired or not yet valid certificate', async (t) => {
  const { pki, port } = await serve(t);
  const day = 86_400_000;
  const expired = await signCertificate(
    { commonName: 'old', days: 1, clientAuth: true, notBefore: new Date(Date.now() - 10 * day) },
    pki.ca,
  );
  assert.equal((await request(port, pki, expired)).status, 401);
  const future = await signCertificate({ commonName: 'early', days: 1, clientAuth: true, notBefore: new Date(Date.now() + 2 * day) }, pki.ca);
  assert.equal((await request(port, pki, future)).status, 401);
});

test('createClientCertificateAuthenticator() answers 401 once a certificate expires on an open connection', async (t) => {
  const inTwoYears = () => Date.now() + 2 * 365 * 86_400_000;
  const { pki, port } = await serve(t, inTwoYears);
  assert.equal((await request(port, pki, { cert: pki.admin.cert, key: pki.admin.key })).status, 401);
});

test('createClientCertificateAuthenticator() answers 401 for a CA-signed certificate not meant for clients', async (t) => {
  const { pki, port } = await serve(t);
  const serving = await signCertificate({ commonName: 'kubernetes-admin', days: 1, serverAuth: true }, pki.ca);
  assert.equal((await request(port, pki, serving)).status, 401);
});

test('createClientCertificateAuthenticator() refuses a CA bundle with no certificate', () => {
  assert.throws(() => createClientCertificateAuthenticator('not a certificate'), /no PEM certificate/);
});
