import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { selfSignedServingCertificate } from '../../../src/node/server/serving-certificate.js';

test('selfSignedServingCertificate() makes a serving certificate for the given names that matches its key', async () => {
  const { cert, key } = await selfSignedServingCertificate(['10.0.0.5', 'edge-1']);
  const x = new X509Certificate(cert);
  assert.ok(x.checkPrivateKey(createPrivateKey(key)));
  assert.ok(x.verify(x.publicKey), 'self-signed');
  assert.equal(x.issuer, x.subject);
  assert.equal(x.checkIP('10.0.0.5'), '10.0.0.5');
  assert.equal(x.checkHost('edge-1'), 'edge-1');
  assert.match(x.subject, /^CN=10\.0\.0\.5@\d+$/);
  assert.equal(x.ca, false);
  assert.ok(new Date(x.validTo).getTime() > Date.now() + 300 * 86_400_000);
});
