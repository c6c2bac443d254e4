import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { recordUserInfo } from '../../../../src/api/resources/servicecatalog/user-info.js';

const inst = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ServiceInstance', metadata: { name: 'db', namespace: 'default' }, spec });
const alice = { username: 'alice', uid: 'a-1', groups: ['dev'], extra: { scopes: ['x'] } };

test('recordUserInfo() replaces what the client sent with the requesting user on create', () => {
  const obj = inst({ clusterServicePlanName: 'p', userInfo: { username: 'mallory', uid: 'm' } });
  assert.equal(recordUserInfo(obj, undefined, alice), true);
  assert.deepEqual((obj.spec as Record<string, unknown>).userInfo, { username: 'alice', uid: 'a-1', groups: ['dev'], extra: { scopes: ['x'] } });
});

test('recordUserInfo() records a new user only when the spec changes', () => {
  const old = inst({ clusterServicePlanName: 'p', userInfo: { username: 'alice', uid: 'a-1' } });
  const relabelled = inst({ clusterServicePlanName: 'p', userInfo: { username: 'mallory', uid: 'm' } });
  recordUserInfo(relabelled, old, { username: 'bob' });
  assert.deepEqual((relabelled.spec as Record<string, unknown>).userInfo, { username: 'alice', uid: 'a-1' });
  const replanned = inst({ clusterServicePlanName: 'q', userInfo: { username: 'alice', uid: 'a-1' } });
  recordUserInfo(replanned, old, { username: 'bob' });
  assert.deepEqual((replanned.spec as Record<string, unknown>).userInfo, { username: 'bob', uid: '' });
});

test('recordUserInfo() leaves other kinds alone', () => {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, spec: { userInfo: 1 } };
  assert.equal(recordUserInfo(cm, undefined, alice), false);
  assert.deepEqual(cm.spec, { userInfo: 1 });
});
