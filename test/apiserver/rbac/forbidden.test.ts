import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forbiddenError, forbiddenMessage } from '../../../src/apiserver/rbac/forbidden.js';
import { alice, path, resource } from './fixtures.js';

test('forbiddenMessage() words refusals as kube-apiserver does', () => {
  assert.equal(forbiddenMessage(resource(alice, 'list', 'pods', { namespace: 'default' })), 'User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(forbiddenMessage(resource(alice, 'get', 'pods/log', { namespace: 'ns' })), 'User "alice" cannot get resource "pods/log" in API group "" in the namespace "ns"');
  assert.equal(forbiddenMessage(resource(alice, 'list', 'deployments', { apiGroup: 'apps' })), 'User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope');
  assert.equal(forbiddenMessage(path(alice, 'get', '/metrics')), 'User "alice" cannot get path "/metrics"');
});

test('forbiddenError() builds the 403 Status with the reason appended', () => {
  const e = forbiddenError(resource(alice, 'get', 'deployments', { apiGroup: 'apps', namespace: 'x', name: 'web' }), 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found');
  assert.equal(e.code, 403);
  assert.equal(e.reason, 'Forbidden');
  assert.equal(
    e.message,
    'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "x": RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
  );
  assert.deepEqual(e.status.details, { name: 'web', group: 'apps', kind: 'deployments' });
  const p = forbiddenError(path({ username: 'system:anonymous', groups: [] }, 'get', '/'), '');
  assert.equal(p.message, 'forbidden: User "system:anonymous" cannot get path "/"');
  assert.deepEqual(p.status.details, {});
});
