import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAuditPolicy } from '../../../src/apiserver/audit/default-audit-policy.js';
import { evaluatePolicy } from '../../../src/apiserver/audit/evaluate-policy.js';
import type { AuthorizationAttributes, UserInfo } from '../../../src/apiserver/request-context.js';

const admin: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
const node: UserInfo = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const scheduler: UserInfo = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
const controllers: UserInfo = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };

function lease(user: UserInfo, verb: string): AuthorizationAttributes {
  return { user, verb, resourceRequest: true, apiGroup: 'coordination.k8s.io', apiVersion: 'v1', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' };
}

const level = (a: AuthorizationAttributes): string => evaluatePolicy(defaultAuditPolicy(), a).level;

test('defaultAuditPolicy() leaves out health, readiness, liveness probes and /version', () => {
  for (const path of ['/healthz', '/healthz/poststarthook/x', '/readyz', '/readyz/ping', '/livez', '/version']) {
    assert.equal(level({ user: admin, verb: 'get', resourceRequest: false, path }), 'None', path);
  }
  assert.equal(level({ user: admin, verb: 'get', resourceRequest: false, path: '/apis' }), 'Metadata');
  assert.equal(level({ user: admin, verb: 'get', resourceRequest: false, path: '/openapi/v2' }), 'Metadata');
});

test('defaultAuditPolicy() leaves out lease renewals by nodes and Wharf\'s components, and nothing else of theirs', () => {
  for (const user of [node, scheduler, controllers]) {
    assert.equal(level(lease(user, 'update')), 'None', user.username);
    assert.equal(level(lease(user, 'patch')), 'None', user.username);
    assert.equal(level(lease(user, 'create')), 'Metadata', user.username);
    assert.equal(level({ ...lease(user, 'update'), resource: 'pods', apiGroup: '' }), 'Metadata', user.username);
  }
  assert.equal(level(lease(admin, 'update')), 'Metadata', 'others renewing leases are audited');
});

test('defaultAuditPolicy() records everything else at Metadata, Secrets included, without the RequestReceived stage', () => {
  const secretRead: AuthorizationAttributes = { user: admin, verb: 'get', resourceRequest: true, apiGroup: '', resource: 'secrets', namespace: 'default', name: 's' };
  assert.equal(level(secretRead), 'Metadata');
  assert.deepEqual(evaluatePolicy(defaultAuditPolicy(), secretRead).omitStages, ['RequestReceived']);
});
