import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qualifiedName } from '../../../src/api/validation/names.js';

test('qualifiedName() accepts label keys with and without a DNS prefix', () => {
  for (const key of ['app', 'app.kubernetes.io/name', 'kubectl.kubernetes.io/default-container', 'A_b-9.c']) assert.deepEqual(qualifiedName(key), [], key);
});

test('qualifiedName() names what is wrong, in Kubernetes\' words', () => {
  assert.deepEqual(qualifiedName('/app'), ['prefix part must be non-empty']);
  assert.deepEqual(qualifiedName('example.com/'), ['name part must be non-empty']);
  assert.deepEqual(qualifiedName(`x/${'a'.repeat(64)}`), ['name part must be no more than 63 characters']);
  assert.match(qualifiedName('Example.com/app')[0]!, /^prefix part a lowercase RFC 1123 subdomain must consist of/);
  assert.match(qualifiedName('-app')[0]!, /^name part must consist of alphanumeric characters/);
  assert.match(qualifiedName('a/b/c')[0]!, /^a qualified name must consist of/);
});

test('qualifiedName() answers repeated keys from memory, with frozen answers, and long keys without', () => {
  const first = qualifiedName('-bad');
  assert.equal(qualifiedName('-bad'), first);
  assert.ok(Object.isFrozen(first));
  const long = `${'a'.repeat(300)}/${'b'.repeat(70)}`;
  assert.deepEqual(qualifiedName(long), qualifiedName(long));
  assert.ok(qualifiedName(long).length >= 2, 'a prefix over 253 characters and a name over 63 are both reported');
});
