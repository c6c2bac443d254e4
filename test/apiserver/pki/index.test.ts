import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensurePki, issueClientCertificate, PKI_FILES } from '../../../src/apiserver/pki/index.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const x509 = (pem: string) => new X509Certificate(pem);

test('ensurePki() creates a CA, serving, admin and ServiceAccount keys in <dataDir>/pki', async (t) => {
  const dataDir = tempDir(t);
  const pki = await ensurePki(dataDir, ['wharf.example', '10.0.0.5']);
  assert.equal(pki.dir, path.join(dataDir, 'pki'));
  for (const file of Object.values(PKI_FILES)) assert.ok(statSync(path.join(pki.dir, file)).isFile(), file);
  for (const key of [PKI_FILES.caKey, PKI_FILES.serverKey, PKI_FILES.adminKey, PKI_FILES.kubeletClientKey, PKI_FILES.serviceAccountKey]) {
    assert.equal(statSync(path.join(pki.dir, key)).mode & 0o777, 0o600, key);
  }
  assert.equal(statSync(pki.dir).mode & 0o077, 0, 'the pki folder is private');
  assert.equal(readFileSync(path.join(pki.dir, PKI_FILES.caCert), 'utf8'), pki.ca.cert);
  assert.equal(readFileSync(path.join(pki.dir, PKI_FILES.serviceAccountKey), 'utf8'), pki.serviceAccount.privateKey);

  const ca = x509(pki.ca.cert);
  assert.equal(ca.ca, true);
  assert.equal(ca.checkPrivateKey(createPrivateKey(pki.ca.key)), true);

  const server = x509(pki.server.cert);
  assert.equal(server.checkIssued(ca), true);
  assert.equal(server.verify(ca.publicKey), true);
  assert.equal(server.checkPrivateKey(createPrivateKey(pki.server.key)), true);
  assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  for (const ip of ['127.0.0.1', '::1', '10.0.0.5']) assert.equal(server.checkIP(ip), ip);
  for (const host of ['localhost', 'wharf.example', 'kubernetes.default.svc']) assert.equal(server.checkHost(host), host);
  assert.match(server.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.match(server.subjectAltName ?? '', /DNS:localhost/);

  const admin = x509(pki.admin.cert);
  assert.equal(admin.verify(ca.publicKey), true);
  assert.equal(admin.subject, 'O=system:masters\nCN=kubernetes-admin');
  assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);

  const kubeletClient = x509(pki.kubeletClient.cert);
  assert.equal(kubeletClient.verify(ca.publicKey), true);
  assert.equal(kubeletClient.subject, 'CN=kube-apiserver-kubelet-client');
  assert.deepEqual(kubeletClient.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.equal(kubeletClient.checkPrivateKey(createPrivateKey(pki.kubeletClient.key)), true);

  const saPublic = createPublicKey(pki.serviceAccount.publicKey);
  assert.equal(saPublic.asymmetricKeyType, 'rsa');
  assert.equal(
    createPublicKey(createPrivateKey(pki.serviceAccount.privateKey)).export({ type: 'spki', format: 'pem' }),
    saPublic.export({ type: 'spki', format: 'pem' }),
  );
});

test('ensurePki() reuses everything on a later start', async (t) => {
  const dataDir = tempDir(t);
  const first = await ensurePki(dataDir, ['wharf.example']);
  const second = await ensurePki(dataDir, ['wharf.example']);
  assert.deepEqual(second, first);
});

test('ensurePki() reissues the serving certificate for a new host name, keeping the CA', async (t) => {
  const dataDir = tempDir(t);
  const first = await ensurePki(dataDir, []);
  assert.equal(x509(first.server.cert).checkHost('new.example'), undefined);
  const second = await ensurePki(dataDir, ['new.example']);
  assert.equal(second.ca.cert, first.ca.cert);
  assert.equal(second.admin.cert, first.admin.cert);
  assert.equal(second.serviceAccount.privateKey, first.serviceAccount.privateKey);
  assert.notEqual(second.server.cert, first.server.cert);
  assert.equal(x509(second.server.cert).checkHost('new.example'), 'new.example');
  assert.equal(x509(second.server.cert).verify(x509(first.ca.cert).publicKey), true);
});

test('ensurePki() replaces a lost or mismatched leaf and a lost public ServiceAccount key', async (t) => {
  const dataDir = tempDir(t);
  const first = await ensurePki(dataDir, []);
  const dir = first.dir;
  unlinkSync(path.join(dir, PKI_FILES.adminCert));
  writeFileSync(path.join(dir, PKI_FILES.serverKey), first.admin.key); // a key that is not the certificate's
  unlinkSync(path.join(dir, PKI_FILES.serviceAccountPublicKey));
  const second = await ensurePki(dataDir, []);
  assert.equal(second.ca.cert, first.ca.cert);
  assert.notEqual(second.admin.cert, first.admin.cert);
  assert.notEqual(second.server.cert, first.server.cert);
  assert.equal(x509(second.server.cert).checkPrivateKey(createPrivateKey(second.server.key)), true);
  assert.equal(second.serviceAccount.publicKey, first.serviceAccount.publicKey);
  assert.equal(readFileSync(path.join(dir, PKI_FILES.serviceAccountPublicKey), 'utf8'), first.serviceAccount.publicKey);
});

test('ensurePki() stops with the file name when the CA is damaged', async (t) => {
  const dataDir = tempDir(t);
  const first = await ensurePki(dataDir, []);
  writeFileSync(path.join(first.dir, PKI_FILES.caKey), first.admin.key);
  await assert.rejects(ensurePki(dataDir, []), (e: Error) => e.message.includes(path.join(first.dir, 'ca.crt')) && /does not match/.test(e.message));
  writeFileSync(path.join(first.dir, PKI_FILES.caCert), 'garbage');
  await assert.rejects(ensurePki(dataDir, []), /ca\.crt is not a PEM certificate/);
});

test('issueClientCertificate() signs a user and groups with the cluster CA', async (t) => {
  const pki = await ensurePki(tempDir(t), []);
  const issued = await issueClientCertificate(pki, 'jane', ['dev', 'ops'], 2);
  const cert = x509(issued.cert);
  assert.equal(cert.subject, 'O=dev\nO=ops\nCN=jane');
  assert.equal(cert.verify(x509(pki.ca.cert).publicKey), true);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000;
  assert.equal(days, 2);
});
