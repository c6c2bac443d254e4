import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeImage, simulatedImageId } from '../../../src/node/runtimes/image-reference.js';

test('normalizeImage() qualifies references as container runtimes report them', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('nginx:1.27'), 'docker.io/library/nginx:1.27');
  assert.equal(normalizeImage('bitnami/redis'), 'docker.io/bitnami/redis:latest');
  assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeImage('ghcr.io/o/app@sha256:abc'), 'ghcr.io/o/app@sha256:abc');
});

test('simulatedImageId() is a stable digest reference per image', () => {
  const id = simulatedImageId('nginx:1.27');
  assert.match(id, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(simulatedImageId('nginx:1.27'), id);
  assert.notEqual(simulatedImageId('nginx:1.26'), id);
  assert.equal(simulatedImageId('ghcr.io/o/app@sha256:abc'), 'ghcr.io/o/app@sha256:abc');
});
