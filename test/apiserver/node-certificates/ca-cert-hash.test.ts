import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { caCertHash, matchesCaCertHash } from '../../../src/apiserver/node-certificates/ca-cert-hash.js';
import { signCertificate } from '../../../src/apiserver/pki/sign-certificate.js';

test('caCertHash() is the hash kubeadm documents (openssl: SHA-256 of the DER public key)', async (t) => {
  const ca = await signCertificate({ commonName: 'ca', days: 1, isCA: true });
  const hash = caCertHash(ca.cert);
  assert.match(hash, /^sha256:[0-9a-f]{64}$/);
  let viaOpenssl: string;
  try {
    const pub = execFileSync('openssl', ['x509', '-pubkey', '-noout'], { input: ca.cert });
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
    viaOpenssl = execFileSync('openssl', ['dgst', '-sha256', '-hex'], { input: der }).toString().trim().split(/\s+/).pop()!;
  } catch {
    t.skip('openssl is not installed');
    return;
  }
  assert.equal(hash, `sha256:${viaOpenssl}`);
});

test('matchesCaCertHash() finds the CA in a bundle, ignores case, and rejects malformed hashes', async () => {
  const a = await signCertificate({ commonName: 'a', days: 1, isCA: true });
  const b = await signCertificate({ commonName: 'b', days: 1, isCA: true });
  const bundle = a.cert + b.cert;
  assert.ok(matchesCaCertHash(bundle, caCertHash(b.cert).toUpperCase().replace('SHA256', 'sha256')));
  assert.ok(!matchesCaCertHash(a.cert, caCertHash(b.cert)));
  assert.throws(() => matchesCaCertHash(bundle, 'md5:abc'), RangeError);
});
