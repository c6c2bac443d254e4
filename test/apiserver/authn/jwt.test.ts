import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { algorithmFor, decodeJwt, keyIdFor, signJwt, verifySignature } from '../../../src/apiserver/authn/jwt.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

test('signJwt() signs RS256 with RSA and ES256 with P-256 keys, verifiable by verifySignature()', () => {
  for (const [pair, alg] of [[rsa, 'RS256'], [ec, 'ES256']] as const) {
    const token = signJwt({ sub: 'x', n: 1 }, pair.privateKey);
    const jwt = decodeJwt(token);
    assert.ok(jwt);
    assert.equal(jwt.header.alg, alg);
    assert.equal(jwt.header.kid, keyIdFor(pair.publicKey));
    assert.deepEqual(jwt.payload, { sub: 'x', n: 1 });
    assert.equal(verifySignature(jwt, [pair.publicKey]), true);
    if (alg === 'ES256') assert.equal(jwt.signature.length, 64, 'ES256 signatures are raw r||s');
  }
});

test('verifySignature() refuses a changed payload, another key, and an algorithm the key does not sign with', () => {
  const token = signJwt({ sub: 'alice' }, rsa.privateKey);
  const [h, , s] = token.split('.');
  const tampered = decodeJwt(`${h}.${b64({ sub: 'admin' })}.${s}`);
  assert.ok(tampered);
  assert.equal(verifySignature(tampered, [rsa.publicKey]), false);
  assert.equal(verifySignature(decodeJwt(token)!, [ec.publicKey]), false);
  assert.equal(verifySignature(decodeJwt(token)!, [ec.publicKey, rsa.publicKey]), true, 'any of several keys');

  // HS256 keyed with the public key's bytes: the classic confusion attack.
  const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
  const input = `${b64({ alg: 'HS256' })}.${b64({ sub: 'admin' })}`;
  const hmac = createHmac('sha256', pem).update(input).digest('base64url');
  assert.equal(verifySignature(decodeJwt(`${input}.${hmac}`)!, [rsa.publicKey]), false);
  // alg none with any signature part.
  assert.equal(verifySignature(decodeJwt(`${b64({ alg: 'none' })}.${b64({ sub: 'admin' })}.AA`)!, [rsa.publicKey]), false);
});

test('decodeJwt() returns undefined for what is not a compact JWS', () => {
  for (const s of ['', 'abc', 'a.b', 'a.b.c.d', `${b64({ alg: 'RS256' })}.${b64({})}.`, `x!.${b64({})}.AA`, `${b64('str')}.${b64({})}.AA`, `${b64({})}.${b64({})}.AA`, `${b64({ alg: 'RS256' })}.${b64([1])}.AA`]) {
    assert.equal(decodeJwt(s), undefined, s);
  }
});

test('keyIdFor() is the base64url SHA-256 of the public key DER, from either half', () => {
  const der = createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'der' });
  const expected = createHash('sha256').update(der).digest('base64url');
  assert.equal(keyIdFor(rsa.publicKey), expected);
  assert.equal(keyIdFor(rsa.privateKey), expected);
});

test('algorithmFor() refuses keys other than RSA and P-256', () => {
  assert.throws(() => algorithmFor(generateKeyPairSync('ed25519').publicKey), RangeError);
  assert.throws(() => algorithmFor(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey), /P-256/);
});
