import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { sendError } from '../../../src/apiserver/http-io.js';
import { mayObtainNodeCertificate, NODE_CERTIFICATE_PATH, serveNodeCertificate } from '../../../src/apiserver/node-certificates/node-certificate-endpoint.js';
import { createNodeCertificateRequest } from '../../../src/apiserver/node-certificates/node-certificate-signer.js';
import { signCertificate, type CertAndKey } from '../../../src/apiserver/pki/sign-certificate.js';
import type { UserInfo } from '../../../src/apiserver/request-context.js';

const bootstrapper: UserInfo = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };
const node1: UserInfo = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

test('mayObtainNodeCertificate(): bootstrappers for any node, a node for itself only', () => {
  assert.ok(mayObtainNodeCertificate(bootstrapper, 'n9'));
  assert.ok(mayObtainNodeCertificate(node1, 'n1'));
  assert.ok(!mayObtainNodeCertificate(node1, 'n2'));
  assert.ok(!mayObtainNodeCertificate({ username: 'system:node:n1', groups: [] }, 'n1'));
  assert.ok(!mayObtainNodeCertificate({ username: 'alice', groups: ['system:masters'] }, 'n1'));
});

let ca: CertAndKey;
let server: Server;
let user: UserInfo = bootstrapper;
before(async () => {
  ca = await signCertificate({ commonName: 'ca', days: 1, isCA: true });
  server = createServer((req, res) => void serveNodeCertificate(req, res, user, ca).catch((e) => sendError(res, e)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
after(() => server.close());

function post(method: string, body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const port = (server.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: NODE_CERTIFICATE_PATH, method, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('serveNodeCertificate() answers 201 with a signed certificate and the CA', async () => {
  user = bootstrapper;
  const { csr } = await createNodeCertificateRequest('n1');
  const r = await post('POST', JSON.stringify({ request: Buffer.from(csr).toString('base64') }));
  assert.equal(r.status, 201);
  assert.equal(r.body.nodeName, 'n1');
  const cert = new X509Certificate(Buffer.from(r.body.certificate as string, 'base64'));
  assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:n1');
  assert.equal(Buffer.from(r.body.ca as string, 'base64').toString(), ca.cert);
});

test('serveNodeCertificate() answers 403 to another node, 400 to a bad body, 405 to GET', async () => {
  const { csr } = await createNodeCertificateRequest('n2');
  user = node1;
  const r = await post('POST', JSON.stringify({ request: Buffer.from(csr).toString('base64') }));
  assert.equal(r.status, 403);
  assert.equal(r.body.message, 'user "system:node:n1" may not obtain a client certificate for node "n2"');
  assert.equal((await post('POST', JSON.stringify({ csr: 'x' }))).status, 400);
  assert.equal((await post('POST', JSON.stringify({ request: Buffer.from('junk').toString('base64') }))).status, 400);
  assert.equal((await post('GET', '')).status, 405);
});
