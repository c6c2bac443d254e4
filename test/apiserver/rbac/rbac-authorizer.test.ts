import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RbacAuthorizer } from '../../../src/apiserver/rbac/rbac-authorizer.js';
import type { UserInfo } from '../../../src/apiserver/request-context.js';
import { alice, clusterRole, clusterRoleBinding, groupSubject, Objects, path, resource, role, roleBinding, userSubject } from './fixtures.js';

const podReader = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };

test('authorize() allows through a ClusterRoleBinding everywhere and names it in the reason', () => {
  const objs = new Objects().add(clusterRole('pod-reader', [podReader]), clusterRoleBinding('read-pods', 'pod-reader', [userSubject('alice')]));
  const authz = new RbacAuthorizer(objs.list);
  assert.deepEqual(authz.authorize(resource(alice, 'list', 'pods', { namespace: 'default' })), {
    decision: 'allow',
    reason: 'RBAC: allowed by ClusterRoleBinding "read-pods" of ClusterRole "pod-reader" to User "alice"',
  });
  assert.equal(authz.authorize(resource(alice, 'list', 'pods')).decision, 'allow');
  assert.deepEqual(authz.authorize(resource(alice, 'delete', 'pods', { namespace: 'default' })), { decision: 'noOpinion', reason: '' });
  assert.equal(authz.authorize(resource({ username: 'bob', groups: [] }, 'list', 'pods')).decision, 'noOpinion');
});

test('authorize() confines a RoleBinding to its namespace, also when it grants a ClusterRole', () => {
  const objs = new Objects().add(
    role('team-a', 'reader', [podReader]),
    clusterRole('pod-reader', [podReader]),
    roleBinding('team-a', 'alice-reads', { kind: 'Role', name: 'reader' }, [userSubject('alice')]),
    roleBinding('team-b', 'alice-reads-b', { kind: 'ClusterRole', name: 'pod-reader' }, [userSubject('alice')]),
  );
  const authz = new RbacAuthorizer(objs.list);
  assert.deepEqual(authz.authorize(resource(alice, 'list', 'pods', { namespace: 'team-a' })), {
    decision: 'allow',
    reason: 'RBAC: allowed by RoleBinding "alice-reads/team-a" of Role "reader" to User "alice"',
  });
  assert.equal(authz.authorize(resource(alice, 'list', 'pods', { namespace: 'team-b' })).decision, 'allow');
  assert.equal(authz.authorize(resource(alice, 'list', 'pods', { namespace: 'team-c' })).decision, 'noOpinion');
  // Listing across all namespaces is a cluster-scope request: namespaced grants do not reach it.
  assert.equal(authz.authorize(resource(alice, 'list', 'pods')).decision, 'noOpinion');
});

test('authorize() matches groups and ServiceAccounts, defaulting a subject namespace to the binding', () => {
  const sa = (ns: string, name: string): UserInfo => ({
    username: `system:serviceaccount:${ns}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
  });
  const objs = new Objects().add(
    clusterRole('pod-reader', [podReader]),
    roleBinding('apps', 'builder', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'builder' }]),
    clusterRoleBinding('ops', 'pod-reader', [groupSubject('ops'), { kind: 'ServiceAccount', name: 'robot', namespace: 'infra' }]),
    // A ServiceAccount subject without a namespace in a ClusterRoleBinding names nobody.
    clusterRoleBinding('nobody', 'pod-reader', [{ kind: 'ServiceAccount', name: 'lost' }]),
  );
  const authz = new RbacAuthorizer(objs.list);
  assert.deepEqual(authz.authorize(resource(sa('apps', 'builder'), 'get', 'pods', { namespace: 'apps' })), {
    decision: 'allow',
    reason: 'RBAC: allowed by RoleBinding "builder/apps" of ClusterRole "pod-reader" to ServiceAccount "builder/apps"',
  });
  assert.equal(authz.authorize(resource(sa('other', 'builder'), 'get', 'pods', { namespace: 'apps' })).decision, 'noOpinion');
  assert.deepEqual(authz.authorize(resource(sa('infra', 'robot'), 'get', 'pods')), {
    decision: 'allow',
    reason: 'RBAC: allowed by ClusterRoleBinding "ops" of ClusterRole "pod-reader" to ServiceAccount "robot/infra"',
  });
  assert.deepEqual(authz.authorize(resource({ username: 'carol', groups: ['ops'] }, 'watch', 'pods')), {
    decision: 'allow',
    reason: 'RBAC: allowed by ClusterRoleBinding "ops" of ClusterRole "pod-reader" to Group "ops"',
  });
  assert.equal(authz.authorize(resource({ username: 'system:serviceaccount::lost', groups: [] }, 'get', 'pods')).decision, 'noOpinion');
});

test('authorize() always allows system:masters, with no reason', () => {
  const authz = new RbacAuthorizer(new Objects().list);
  assert.deepEqual(authz.authorize(resource({ username: 'admin', groups: ['system:masters'] }, 'delete', 'nodes')), { decision: 'allow', reason: '' });
  assert.deepEqual(authz.authorize(path({ username: 'admin', groups: ['system:masters'] }, 'get', '/metrics')), { decision: 'allow', reason: '' });
});

test('authorize() grants non-resource URLs through ClusterRoles', () => {
  const objs = new Objects().add(
    clusterRole('public', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/version'] }]),
    clusterRoleBinding('public', 'public', [groupSubject('system:unauthenticated')]),
  );
  const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
  const authz = new RbacAuthorizer(objs.list);
  assert.equal(authz.authorize(path(anonymous, 'get', '/healthz')).decision, 'allow');
  assert.equal(authz.authorize(path(anonymous, 'get', '/api')).decision, 'noOpinion');
  assert.equal(authz.authorize(resource(anonymous, 'get', 'pods', { namespace: 'default' })).decision, 'noOpinion');
});

test('authorize() names missing roles in the reason of a refusal', () => {
  const objs = new Objects().add(
    clusterRoleBinding('dangling', 'gone', [userSubject('alice')]),
    roleBinding('default', 'dangling-role', { kind: 'Role', name: 'missing' }, [userSubject('alice')]),
  );
  const authz = new RbacAuthorizer(objs.list);
  assert.deepEqual(authz.authorize(resource(alice, 'get', 'pods')), {
    decision: 'noOpinion',
    reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
  });
  assert.deepEqual(authz.authorize(resource(alice, 'get', 'pods', { namespace: 'default' })), {
    decision: 'noOpinion',
    reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "missing" not found]',
  });
});

test('authorize() memoizes until invalidate(), then sees the change', () => {
  const objs = new Objects().add(clusterRole('pod-reader', [podReader]));
  let lists = 0;
  const authz = new RbacAuthorizer((g, p) => {
    lists++;
    return objs.list(g, p);
  });
  const a = resource(alice, 'get', 'pods', { namespace: 'default' });
  assert.equal(authz.authorize(a).decision, 'noOpinion');
  objs.add(clusterRoleBinding('read-pods', 'pod-reader', [userSubject('alice')]));
  assert.equal(authz.authorize(a).decision, 'noOpinion', 'the index is kept until invalidated');
  assert.equal(lists, 4, 'each RBAC list was read once');
  authz.invalidate();
  assert.equal(authz.authorize(a).decision, 'allow');
  assert.equal(lists, 8);
  assert.equal(authz.authorize(a), authz.authorize(a), 'repeated decisions are the same object');
});

test('authorize() rebuilds when the version() option changes', () => {
  const objs = new Objects().add(clusterRole('pod-reader', [podReader]));
  let version = 1;
  const authz = new RbacAuthorizer(objs.list, { version: () => version });
  const a = resource(alice, 'get', 'pods');
  assert.equal(authz.authorize(a).decision, 'noOpinion');
  objs.add(clusterRoleBinding('read-pods', 'pod-reader', [userSubject('alice')]));
  assert.equal(authz.authorize(a).decision, 'noOpinion');
  version = 2;
  assert.equal(authz.authorize(a).decision, 'allow');
});

test('authorize() keeps users apart whose groups differ', () => {
  const objs = new Objects().add(clusterRole('pod-reader', [podReader]), clusterRoleBinding('devs', 'pod-reader', [groupSubject('devs')]));
  const authz = new RbacAuthorizer(objs.list, { maxCachedUsers: 1, maxDecisionsPerUser: 1 });
  const dev = { username: 'dan', groups: ['devs'] };
  const notDev = { username: 'dan', groups: ['others'] };
  for (let i = 0; i < 3; i++) {
    assert.equal(authz.authorize(resource(dev, 'get', 'pods')).decision, 'allow');
    assert.equal(authz.authorize(resource(notDev, 'get', 'pods')).decision, 'noOpinion');
    assert.equal(authz.authorize(resource(dev, 'delete', 'pods')).decision, 'noOpinion');
  }
});

test('rulesFor() lists cluster-wide rules first, then the namespace\'s', () => {
  const objs = new Objects().add(
    clusterRole('pod-reader', [podReader]),
    role('ns1', 'cm', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }]),
    clusterRoleBinding('read-pods', 'pod-reader', [userSubject('alice')]),
    roleBinding('ns1', 'cm', { kind: 'Role', name: 'cm' }, [userSubject('alice')]),
  );
  const authz = new RbacAuthorizer(objs.list);
  assert.deepEqual(authz.rulesFor(alice, 'ns1').rules.map((r) => r.resources), [['pods'], ['configmaps']]);
  assert.deepEqual(authz.rulesFor(alice, '').rules.map((r) => r.resources), [['pods']]);
  assert.deepEqual(authz.rulesFor(alice, 'ns2').errors, []);
});
