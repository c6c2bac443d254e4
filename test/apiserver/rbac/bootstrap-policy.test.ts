import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapPolicy, systemNodeRules } from '../../../src/apiserver/rbac/bootstrap-policy.js';
import { RbacAuthorizer } from '../../../src/apiserver/rbac/rbac-authorizer.js';
import { clusterRole as clusterRoleDef } from '../../../src/api/resources/rbac/cluster-role.js';
import { clusterRoleBinding as clusterRoleBindingDef } from '../../../src/api/resources/rbac/cluster-role-binding.js';
import { Objects, path, resource } from './fixtures.js';

const named = (name: string) => bootstrapPolicy().find((o) => o.metadata.name === name && o.kind === 'ClusterRole')!;

test('bootstrapPolicy() binds cluster-admin to system:masters', () => {
  const binding = bootstrapPolicy().find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'cluster-admin')!;
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' });
  assert.deepEqual(binding.subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
  assert.deepEqual(named('cluster-admin').rules, [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ]);
});

test('bootstrapPolicy() labels every object and gives admin, edit and view their aggregation', () => {
  for (const o of bootstrapPolicy()) {
    assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata.name);
    assert.equal(o.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata.name);
  }
  assert.deepEqual(named('view').aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }] });
  assert.equal(named('view').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
  assert.equal(named('edit').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
  assert.equal(named('system:aggregate-to-view').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-view'], 'true');
  // Aggregation is already applied: admin holds what edit and view hold.
  const count = (n: string) => (named(n).rules as unknown[]).length;
  assert.ok(count('view') > 0 && count('edit') > count('view') && count('admin') > count('edit'));
});

test('bootstrapPolicy() objects pass validation', () => {
  for (const o of bootstrapPolicy()) {
    const def = o.kind === 'ClusterRole' ? clusterRoleDef : clusterRoleBindingDef;
    assert.deepEqual(def.strategy.validate!(o), [], o.metadata.name);
  }
});

test('bootstrapPolicy() lets anonymous users read health and version only, and view read but not write', () => {
  const objs = new Objects().add(...bootstrapPolicy());
  const authz = new RbacAuthorizer(objs.list);
  const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  for (const p of ['/healthz', '/readyz', '/livez', '/version']) assert.equal(authz.authorize(path(anonymous, 'get', p)).decision, 'allow', p);
  assert.equal(authz.authorize(path(anonymous, 'get', '/api')).decision, 'noOpinion');
  assert.equal(authz.authorize(resource(anonymous, 'list', 'pods', { namespace: 'default' })).decision, 'noOpinion');
  const user = { username: 'u', groups: ['system:authenticated'] };
  assert.equal(authz.authorize(path(user, 'get', '/apis/apps/v1')).decision, 'allow');
  assert.equal(authz.authorize(resource(user, 'create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' })).decision, 'allow');
  const scheduler = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
  assert.equal(authz.authorize(resource(scheduler, 'create', 'pods/binding', { namespace: 'default' })).decision, 'allow');
  assert.equal(authz.authorize(resource(scheduler, 'delete', 'nodes')).decision, 'noOpinion');
});

test('bootstrapPolicy() returns a fresh copy each time', () => {
  const a = bootstrapPolicy();
  (a[0].rules as { verbs: string[] }[])[0].verbs.push('x');
  assert.deepEqual((bootstrapPolicy()[0].rules as { verbs: string[] }[])[0].verbs, ['*']);
});

test('bootstrapPolicy() binds system:node to the nodes group only without the Node authorizer', () => {
  const nodeBinding = (nodeAuthorizer: boolean) => bootstrapPolicy({ nodeAuthorizer }).find((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name === 'system:node')!;
  assert.deepEqual(nodeBinding(false).subjects, [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }]);
  assert.equal(nodeBinding(true).subjects, undefined);
  assert.equal((nodeBinding(true).roleRef as { name: string }).name, 'system:node');
  assert.deepEqual(named('system:node').rules, systemNodeRules());
});
