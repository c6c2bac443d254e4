import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, isLoopbackRegistry, parseReference, registryEndpointHost } from '../../../../../src/node/runtimes/container/image/reference.js';

const digest = `sha256:${'a'.repeat(64)}`;

test('parseReference() applies docker.io, library/ and latest as Docker does', () => {
  assert.equal(formatReference(parseReference('busybox')), 'docker.io/library/busybox:latest');
  assert.equal(formatReference(parseReference('busybox:1.36')), 'docker.io/library/busybox:1.36');
  assert.equal(formatReference(parseReference('bitnami/redis')), 'docker.io/bitnami/redis:latest');
  assert.equal(formatReference(parseReference('index.docker.io/library/nginx')), 'docker.io/library/nginx:latest');
  assert.equal(formatReference(parseReference('ghcr.io/org/app/web:v1')), 'ghcr.io/org/app/web:v1');
  assert.equal(formatReference(parseReference('localhost/app')), 'localhost/app:latest');
  assert.equal(formatReference(parseReference('127.0.0.1:5000/test/busybox:t')), '127.0.0.1:5000/test/busybox:t');
});

test('parseReference() keeps digests, with or without a tag', () => {
  assert.deepEqual(parseReference(`busybox@${digest}`), { registry: 'docker.io', repository: 'library/busybox', digest });
  assert.equal(formatReference(parseReference(`busybox:1.36@${digest}`)), `docker.io/library/busybox:1.36@${digest}`);
});

test('parseReference() rejects what is not a reference with the distribution wording', () => {
  assert.throws(() => parseReference('Busybox'), /repository name must be lowercase/);
  assert.throws(() => parseReference('busy box'), /invalid reference format/);
  assert.throws(() => parseReference(''), /invalid reference format/);
  assert.throws(() => parseReference('busybox:'), /invalid reference format/);
  assert.throws(() => parseReference('busybox@sha256:abc'), /invalid reference format/);
  assert.throws(() => parseReference('a//b'), /invalid reference format/);
});

test('registryEndpointHost() and isLoopbackRegistry() pick where and how to connect', () => {
  assert.equal(registryEndpointHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryEndpointHost('quay.io'), 'quay.io');
  assert.equal(isLoopbackRegistry('127.0.0.1:5000'), true);
  assert.equal(isLoopbackRegistry('localhost:5000'), true);
  assert.equal(isLoopbackRegistry('[::1]:5000'), true);
  assert.equal(isLoopbackRegistry('registry.example.com:5000'), false);
  assert.equal(isLoopbackRegistry('10.0.0.1'), false);
});
