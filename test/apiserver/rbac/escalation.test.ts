import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEscalation, checkRbacWrite, compactString, uncoveredRules } from '../../../src/apiserver/rbac/escalation.js';
import { RbacAuthorizer } from '../../../src/apiserver/rbac/rbac-authorizer.js';
import { alice, clusterRole, clusterRoleBinding, Objects, role, roleBinding, userSubject } from './fixtures.js';

const podReader = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };

function setup(...extra: Parameters<Objects['add']>): RbacAuthorizer {
  const objs = new Objects().add(
    clusterRole('pod-reader', [podReader]),
    clusterRole('rbac-writer', [{ verbs: ['create', 'update'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['*'] }]),
    clusterRoleBinding('alice-reads', 'pod-reader', [userSubject('alice')]),
    clusterRoleBinding('alice-writes-rbac', 'rbac-writer', [userSubject('alice')]),
    ...extra,
  );
  return new RbacAuthorizer(objs.list);
}

test('uncoveredRules() breaks wanted rules down and keeps what no owned rule covers', () => {
  const owned = [{ verbs: ['get'], apiGroups: [''], resources: ['pods', '*/status'] }, { verbs: ['get'], nonResourceURLs: ['/api/*'] }];
  assert.deepEqual(uncoveredRules(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'nodes/status'] }]), []);
  assert.deepEqual(uncoveredRules(owned, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]), [
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
  ]);
  assert.deepEqual(uncoveredRules(owned, [{ verbs: ['get'], nonResourceURLs: ['/api/v1', '/apis'] }]), [{ verbs: ['get'], nonResourceURLs: ['/apis'] }]);
  // Owning a named object does not cover every object; owning all covers any name.
  const named = [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }];
  assert.equal(uncoveredRules(named, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]).length, 1);
  assert.equal(uncoveredRules(named, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }]).length, 0);
  assert.equal(uncoveredRules([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], named).length, 0);
});

test('compactString() prints rules as upstream\'s escalation messages do', () => {
  assert.equal(
    compactString({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }),
    '{APIGroups:[""], Resources:["pods"], ResourceNames:["web"], Verbs:["get" "list"]}',
  );
  assert.equal(compactString({ verbs: ['get'], nonResourceURLs: ['/metrics'] }), '{NonResourceURLs:["/metrics"], Verbs:["get"]}');
});

test('checkEscalation() allows granting held rules and names the ones not held', () => {
  const authz = setup();
  assert.equal(checkEscalation({ user: alice, namespace: 'default', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }, authz), undefined);
  const msg = checkEscalation(
    {
      user: alice,
      namespace: 'default',
      rules: [
        { verbs: ['get', 'delete', 'create'], apiGroups: [''], resources: ['pods', 'secrets'] },
      ],
    },
    authz,
  );
  assert.equal(
    msg,
    'user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "create"]}\n' +
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "create"]}',
  );
  assert.equal(checkEscalation({ user: { username: 'root', groups: ['system:masters'] }, namespace: '', rules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }, authz), undefined);
});

test('checkRbacWrite() forbids a Role with rules the writer lacks unless it may escalate', () => {
  const wide = role('default', 'wide', [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }]);
  const denied = checkRbacWrite({ user: alice, object: wide }, setup());
  assert.equal(denied?.code, 403);
  assert.match(denied!.message, /^roles\.rbac\.authorization\.k8s\.io "wide" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["\*"\]\}$/);
  assert.equal(checkRbacWrite({ user: alice, object: role('default', 'narrow', [podReader]) }, setup()), undefined);
  const escalator = setup(
    clusterRole('escalator', [{ verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }]),
    roleBinding('default', 'alice-escalates', { kind: 'ClusterRole', name: 'escalator' }, [userSubject('alice')]),
  );
  assert.equal(checkRbacWrite({ user: alice, object: wide }, escalator), undefined);
  // escalate in one namespace does not reach another.
  assert.equal(checkRbacWrite({ user: alice, object: role('other', 'wide', wide.rules as never) }, escalator)?.code, 403);
});

test('checkRbacWrite() lets updates through that only touch garbage-collection fields', () => {
  const wide = role('default', 'wide', [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }]);
  const updated = { ...wide, metadata: { ...wide.metadata, finalizers: ['example.com/x'], resourceVersion: '7' } };
  assert.equal(checkRbacWrite({ user: alice, object: updated, old: wide }, setup()), undefined);
  const changed = { ...updated, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] };
  assert.equal(checkRbacWrite({ user: alice, object: changed, old: wide }, setup())?.code, 403);
});

test('checkRbacWrite() requires full authority for an aggregationRule', () => {
  const agg = { ...clusterRole('agg', []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } };
  const denied = checkRbacWrite({ user: alice, object: agg }, setup());
  assert.equal(denied?.message, 'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule');
  assert.equal(checkRbacWrite({ user: { username: 'root', groups: ['system:masters'] }, object: agg }, setup()), undefined);
});

test('checkRbacWrite() lets a binding through when the writer holds the role\'s rules or may bind it', () => {
  const toReader = roleBinding('default', 'b1', { kind: 'ClusterRole', name: 'pod-reader' }, [userSubject('bob')]);
  assert.equal(checkRbacWrite({ user: alice, object: toReader }, setup()), undefined);

  const toAdmin = roleBinding('default', 'b2', { kind: 'ClusterRole', name: 'admin' }, [userSubject('bob')]);
  const admin = clusterRole('admin', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
  const denied = checkRbacWrite({ user: alice, object: toAdmin }, setup(admin));
  assert.equal(denied?.code, 403);
  assert.match(denied!.message, /^rolebindings\.rbac\.authorization\.k8s\.io "b2" is forbidden: user "alice"/);

  const binder = setup(
    admin,
    clusterRole('binder', [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['admin'] }]),
    roleBinding('default', 'alice-binds', { kind: 'ClusterRole', name: 'binder' }, [userSubject('alice')]),
  );
  assert.equal(checkRbacWrite({ user: alice, object: toAdmin }, binder), undefined);
  const clusterWide = clusterRoleBinding('b3', 'admin', [userSubject('bob')]);
  assert.equal(checkRbacWrite({ user: alice, object: clusterWide }, binder)?.code, 403, 'bind in a namespace does not allow a ClusterRoleBinding');
});

test('checkRbacWrite() answers 404 for a binding to a role that does not exist', () => {
  const b = roleBinding('default', 'b', { kind: 'Role', name: 'nope' }, [userSubject('bob')]);
  const err = checkRbacWrite({ user: alice, object: b }, setup());
  assert.equal(err?.code, 404);
  assert.equal(err?.message, 'roles.rbac.authorization.k8s.io "nope" not found');
});
