import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAccessReview, evaluateRulesReview } from '../../../src/apiserver/rbac/access-review.js';
import { RbacAuthorizer } from '../../../src/apiserver/rbac/rbac-authorizer.js';
import { isStatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/object.js';
import { alice, clusterRole, clusterRoleBinding, groupSubject, Objects, role, roleBinding, userSubject } from './fixtures.js';

function authorizer(): RbacAuthorizer {
  return new RbacAuthorizer(
    new Objects().add(
      clusterRole('pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]),
      clusterRole('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
      role('dev', 'cm', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app'] }]),
      clusterRoleBinding('readers', 'pod-reader', [groupSubject('readers')]),
      clusterRoleBinding('health', 'health', [groupSubject('system:authenticated')]),
      roleBinding('dev', 'cm', { kind: 'Role', name: 'cm' }, [userSubject('alice')]),
      roleBinding('dev', 'dangling', { kind: 'Role', name: 'gone' }, [userSubject('alice')]),
    ).list,
  );
}

const review = (kind: string, spec: Record<string, unknown>, metadata: KubeObject['metadata'] = {}): KubeObject => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind,
  metadata: { creationTimestamp: null as unknown as undefined, ...metadata },
  spec,
});

test('evaluateAccessReview() answers a SubjectAccessReview about the spec\'s user', () => {
  const out = evaluateAccessReview(
    review('SubjectAccessReview', { user: 'bob', groups: ['readers'], resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'x' } }),
    alice,
    authorizer(),
  );
  assert.deepEqual(out, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: { user: 'bob', groups: ['readers'], resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'x' } },
    status: { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "readers" of ClusterRole "pod-reader" to Group "readers"' },
  });
  const denied = evaluateAccessReview(review('SubjectAccessReview', { user: 'bob', resourceAttributes: { verb: 'delete', resource: 'pods' } }), alice, authorizer());
  assert.deepEqual(denied.status, { allowed: false });
});

test('evaluateAccessReview() answers a SelfSubjectAccessReview about the requester', () => {
  const ask = (spec: Record<string, unknown>) => evaluateAccessReview(review('SelfSubjectAccessReview', spec), alice, authorizer()).status;
  assert.deepEqual(ask({ resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'dev', name: 'app' } }), {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "cm/dev" of Role "cm" to User "alice"',
  });
  assert.deepEqual(ask({ resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'dev', name: 'other' } }), {
    allowed: false,
    reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
  });
  assert.deepEqual(ask({ nonResourceAttributes: { verb: 'get', path: '/healthz' } }), {
    allowed: true,
    reason: 'RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "health" to Group "system:authenticated"',
  });
  const masters = evaluateAccessReview(review('SelfSubjectAccessReview', { resourceAttributes: { verb: '*', resource: '*' } }), { username: 'admin', groups: ['system:masters'] }, authorizer());
  assert.deepEqual(masters.status, { allowed: true });
});

test('evaluateAccessReview() reports a denying authorizer in status.denied', () => {
  const deny = { authorize: () => ({ decision: 'deny' as const, reason: 'no' }) };
  const out = evaluateAccessReview(review('SelfSubjectAccessReview', { resourceAttributes: { verb: 'get', resource: 'pods' } }), alice, deny);
  assert.deepEqual(out.status, { allowed: false, denied: true, reason: 'no' });
});

test('evaluateAccessReview() answers a LocalSubjectAccessReview in the URL\'s namespace', () => {
  const lsar = review('LocalSubjectAccessReview', { user: 'alice', resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'dev', name: 'app' } }, { namespace: 'dev' });
  assert.equal((evaluateAccessReview(lsar, alice, authorizer(), 'dev').status as { allowed: boolean }).allowed, true);
  assert.throws(() => evaluateAccessReview(lsar, alice, authorizer(), 'prod'), (e: unknown) => isStatusError(e) && e.code === 400);
  const wrongNs = review('LocalSubjectAccessReview', { user: 'alice', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'other' } }, { namespace: 'dev' });
  assert.throws(
    () => evaluateAccessReview(wrongNs, alice, authorizer(), 'dev'),
    (e: unknown) => isStatusError(e) && e.code === 422 && /spec\.resourceAttributes\.namespace: Invalid value: "other": must match metadata\.namespace/.test(e.message),
  );
});

test('evaluateAccessReview() rejects malformed reviews with 422', () => {
  const bad = (r: KubeObject, pattern: RegExp) =>
    assert.throws(() => evaluateAccessReview(r, alice, authorizer()), (e: unknown) => isStatusError(e) && e.code === 422 && pattern.test(e.message));
  bad(review('SubjectAccessReview', { resourceAttributes: { verb: 'get' } }), /^SubjectAccessReview\.authorization\.k8s\.io "" is invalid: spec\.user: Invalid value: "": at least one of user or group must be specified$/);
  bad(review('SelfSubjectAccessReview', {}), /exactly one of nonResourceAttributes or resourceAttributes must be specified/);
  bad(review('SelfSubjectAccessReview', { resourceAttributes: {}, nonResourceAttributes: {} }), /cannot be specified in combination with resourceAttributes/);
  bad(review('SelfSubjectAccessReview', { resourceAttributes: {} }, { name: 'x' }), /metadata: Invalid value: .*: must be empty$/);
});

test('evaluateRulesReview() lists the requester\'s rules in the namespace', () => {
  const out = evaluateRulesReview(review('SelfSubjectRulesReview', { namespace: 'dev' }), { username: 'alice', groups: ['system:authenticated', 'readers'] }, authorizer());
  assert.deepEqual(out, {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: {},
    status: {
      resourceRules: [
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
      evaluationError: 'role.rbac.authorization.k8s.io "gone" not found',
    },
  });
  assert.throws(() => evaluateRulesReview(review('SelfSubjectRulesReview', {}), alice, authorizer()), (e: unknown) => isStatusError(e) && e.message === 'no namespace on request');
});
