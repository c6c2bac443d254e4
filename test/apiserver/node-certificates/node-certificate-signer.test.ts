import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import forge from 'node-forge';
import { isStatusError } from '../../../src/api/index.js';
import { createNodeCertificateRequest, nodeNameOfRequest, signNodeCertificate, type CertificationRequest } from '../../../src/apiserver/node-certificates/node-certificate-signer.js';
import { signCertificate, type CertAndKey } from '../../../src/apiserver/pki/sign-certificate.js';

let ca: CertAndKey;
before(async () => {
  ca = await signCertificate({ commonName: 'test-ca', days: 10, isCA: true });
});

test('a node request signed by the CA is a client certificate for system:node:<name> in system:nodes', async () => {
  const req = await createNodeCertificateRequest('edge-1');
  const { name, csr } = nodeNameOfRequest(req.csr);
  assert.equal(name, 'edge-1');
  const now = new Date();
  const cert = new X509Certificate(signNodeCertificate(ca, csr, now));
  assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:edge-1');
  assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey));
  assert.ok(cert.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(req.key))));
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const days = (new Date(cert.validTo).getTime() - now.getTime()) / 86_400_000;
  assert.ok(days > 364 && days <= 365, `valid ${days} days`);
});

test('createNodeCertificateRequest() refuses an invalid node name', async () => {
  await assert.rejects(createNodeCertificateRequest('Edge_1'), RangeError);
});

/** A request with any subject, signed by a fresh key. */
function requestFor(subject: forge.pki.CertificateField[]): string {
  const keys = (forge.pki as unknown as { rsa: { generateKeyPair(bits: number): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey } } }).rsa.generateKeyPair(1024);
  const pkcs10 = forge.pki as unknown as { createCertificationRequest(): CertificationRequest; certificationRequestToPem(c: CertificationRequest): string };
  const csr = pkcs10.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject(subject);
  csr.sign(keys.privateKey, forge.md.sha256.create());
  return pkcs10.certificationRequestToPem(csr);
}

test('nodeNameOfRequest() answers 400 to anything but a signed request for exactly one node identity', async () => {
  const bad: [string, string][] = [
    ['not PEM', 'hello'],
    ['admin', requestFor([{ shortName: 'O', value: 'system:masters' }, { shortName: 'CN', value: 'system:node:x' }])],
    ['two groups', requestFor([{ shortName: 'O', value: 'system:nodes' }, { shortName: 'O', value: 'system:masters' }, { shortName: 'CN', value: 'system:node:x' }])],
    ['not a node', requestFor([{ shortName: 'O', value: 'system:nodes' }, { shortName: 'CN', value: 'kubernetes-admin' }])],
    ['bad name', requestFor([{ shortName: 'O', value: 'system:nodes' }, { shortName: 'CN', value: 'system:node:Bad_Name' }])],
  ];
  const good = (await createNodeCertificateRequest('edge-2')).csr;
  // Flip one byte inside the signature: the request no longer proves possession of the key.
  const der = Buffer.from(good.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 5] ^= 0xff;
  bad.push(['tampered', `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`]);
  for (const [what, pem] of bad) {
    assert.throws(() => nodeNameOfRequest(pem), (e) => isStatusError(e) && e.status.code === 400, what);
  }
});
