import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesOf, parametersOf, requestedStorage, rfc3339 } from '../../src/provisioner/claim-helpers.js';

test('claim helpers read requests, quantities, parameters and times as the API writes them', () => {
  assert.equal(requestedStorage({ spec: { resources: { requests: { storage: '3Gi' } } } }), '3Gi');
  assert.equal(requestedStorage({ spec: {} }), undefined);
  assert.equal(bytesOf('1Ki'), 1024);
  assert.equal(bytesOf('1G'), 1e9);
  assert.equal(bytesOf(undefined), 0);
  assert.deepEqual(parametersOf({ metadata: {}, provisioner: 'p', parameters: { a: 'b' } }), { a: 'b' });
  assert.deepEqual(parametersOf(undefined), {});
  assert.equal(rfc3339(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '2026-01-02T03:04:05Z');
});
