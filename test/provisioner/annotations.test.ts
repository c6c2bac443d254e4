import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestedProvisioner } from '../../src/provisioner/index.js';

test('requestedProvisioner() reads the GA annotation, then the beta one', () => {
  assert.equal(requestedProvisioner({ 'volume.kubernetes.io/storage-provisioner': 'a', 'volume.beta.kubernetes.io/storage-provisioner': 'b' }), 'a');
  assert.equal(requestedProvisioner({ 'volume.beta.kubernetes.io/storage-provisioner': 'b' }), 'b');
  assert.equal(requestedProvisioner(undefined), undefined);
});
