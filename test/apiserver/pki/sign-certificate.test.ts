import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { signCertificate } from '../../../src/apiserver/pki/sign-certificate.js';

test('signCertificate() without an issuer makes a self-signed CA', async () => {
  const ca = await signCertificate({ commonName: 'test-ca', days: 10, isCA: true });
  const cert = new X509Certificate(ca.cert);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, 'CN=test-ca');
  assert.equal(cert.issuer, 'CN=test-ca');
  assert.equal(cert.verify(cert.publicKey), true);
  assert.equal(cert.checkPrivateKey(createPrivateKey(ca.key)), true);
  assert.match(ca.key, /^-----BEGIN RSA PRIVATE KEY-----/);
});

test('signCertificate() with an issuer signs a leaf with its names, usages and validity', async () => {
  const ca = await signCertificate({ commonName: 'test-ca', days: 10, isCA: true });
  const notBefore = new Date('2030-01-01T00:00:00Z');
  const leaf = await signCertificate(
    { commonName: 'svc', organizations: ['g1', 'g2'], days: 2, serverAuth: true, clientAuth: true, hosts: ['10.1.2.3', '::1', 'svc.local'], notBefore },
    ca,
  );
  const caCert = new X509Certificate(ca.cert);
  const cert = new X509Certificate(leaf.cert);
  assert.equal(cert.ca, false);
  assert.equal(cert.checkIssued(caCert), true);
  assert.equal(cert.verify(caCert.publicKey), true);
  assert.equal(cert.subject, 'O=g1\nO=g2\nCN=svc');
  assert.equal(cert.issuer, 'CN=test-ca');
  assert.equal(cert.checkIP('10.1.2.3'), '10.1.2.3');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkHost('svc.local'), 'svc.local');
  assert.equal(cert.checkHost('other.local'), undefined);
  assert.deepEqual([...(cert.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  assert.equal(new Date(cert.validFrom).getTime(), notBefore.getTime());
  assert.equal(new Date(cert.validTo).getTime(), notBefore.getTime() + 2 * 86_400_000);
  assert.notEqual(cert.serialNumber, new X509Certificate(ca.cert).serialNumber);
});

test('signCertificate() gives a client-only certificate only the clientAuth usage', async () => {
  const ca = await signCertificate({ commonName: 'test-ca', days: 10, isCA: true });
  const leaf = new X509Certificate((await signCertificate({ commonName: 'u', days: 1, clientAuth: true }, ca)).cert);
  assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.equal(leaf.subjectAltName, undefined);
});

test('signCertificate() refuses a missing name or a non-positive validity', async () => {
  await assert.rejects(signCertificate({ commonName: '', days: 1 }), TypeError);
  await assert.rejects(signCertificate({ commonName: 'x', days: 0 }), RangeError);
});
