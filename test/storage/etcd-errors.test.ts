import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GRPCInvalidArgumentError, GRPCOutOfRangeError, GRPCResourceExhastedError, GRPCUnavailableError } from 'etcd3';
import { classifyEtcdError } from '../../src/storage/etcd/etcd-errors.js';

test('classifyEtcdError() reads compaction and future revisions from etcd OUT_OF_RANGE answers', () => {
  assert.deepEqual(classifyEtcdError(new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted')), { kind: 'compacted' });
  assert.deepEqual(classifyEtcdError(new GRPCOutOfRangeError('11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision')), { kind: 'future-revision' });
});

test('classifyEtcdError() tells a full quota from a too-large request, both RESOURCE_EXHAUSTED or INVALID_ARGUMENT', () => {
  assert.equal(classifyEtcdError(new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded')).kind, 'quota');
  assert.equal(classifyEtcdError(new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: request is too large')).kind, 'too-large');
  assert.equal(classifyEtcdError(new GRPCResourceExhastedError('8 RESOURCE_EXHAUSTED: grpc: received message larger than max (2600011 vs. 2097152)')).kind, 'too-large');
});

test('classifyEtcdError() calls an unreachable etcd unavailable, keeping the readable part of the message', () => {
  assert.deepEqual(classifyEtcdError(new GRPCUnavailableError('14 UNAVAILABLE: No connection established')), { kind: 'unavailable', detail: 'No connection established' });
  assert.deepEqual(
    classifyEtcdError(new GRPCUnavailableError('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2379. Resolution note: ')),
    { kind: 'unavailable', detail: 'connect ECONNREFUSED 127.0.0.1:2379' },
  );
  assert.equal(classifyEtcdError(new Error('etcdserver: request timed out')).kind, 'unavailable');
  assert.equal(classifyEtcdError(new Error('connect ECONNREFUSED 127.0.0.1:2379')).kind, 'unavailable');
});

test('classifyEtcdError() passes anything else through', () => {
  const e = new GRPCInvalidArgumentError('3 INVALID_ARGUMENT: etcdserver: key is not provided');
  assert.deepEqual(classifyEtcdError(e), { kind: 'other', error: e });
});
