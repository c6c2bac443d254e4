import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storageFailureStatus } from '../../src/apiserver/storage-failure.js';
import { ConflictError, RequestTooLargeError, StorageQuotaExceededError, StorageUnavailableError } from '../../src/storage/index.js';

test('storageFailureStatus() answers an unreachable etcd with 503 ServiceUnavailable naming it', () => {
  const s = storageFailureStatus(new StorageUnavailableError('http://10.0.0.1:2379', 'No connection established'))!.status;
  assert.equal(s.code, 503);
  assert.equal(s.reason, 'ServiceUnavailable');
  assert.equal(s.message, 'etcd is unavailable at http://10.0.0.1:2379: No connection established');
});

test('storageFailureStatus() answers an object over the storage limit with 413 RequestEntityTooLarge', () => {
  const s = storageFailureStatus(new RequestTooLargeError('/registry/core/configmaps/ns/big', 1_700_000, 1_572_864))!.status;
  assert.equal(s.code, 413);
  assert.equal(s.reason, 'RequestEntityTooLarge');
  assert.match(s.message ?? '', /1700000 bytes, over the storage limit of 1572864/);
});

test('storageFailureStatus() answers a full etcd quota with 500 saying what to do', () => {
  const s = storageFailureStatus(new StorageQuotaExceededError('etcdserver: mvcc: database space exceeded'))!.status;
  assert.equal(s.code, 500);
  assert.equal(s.reason, 'InternalError');
  assert.match(s.message ?? '', /database space exceeded.*defragment/);
});

test('storageFailureStatus() leaves other errors alone', () => {
  assert.equal(storageFailureStatus(new Error('boom')), undefined);
  assert.equal(storageFailureStatus(new ConflictError('/k', { key: '/k', value: '', revision: 1, createRevision: 1 })), undefined);
});
