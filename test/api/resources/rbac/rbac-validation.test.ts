import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBinding, validatePolicyRule, validateSubject } from '../../../../src/api/resources/rbac/rbac-validation.js';
import type { KubeObject } from '../../../../src/api/object.js';

const problems = (errs: { field: string; type: string; detail: string }[]) => errs.map((e) => `${e.field} ${e.type} ${e.detail}`);

test('validatePolicyRule() requires verbs, and groups and resources for resource rules', () => {
  assert.deepEqual(validatePolicyRule({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, true, 'rules[0]'), []);
  assert.deepEqual(problems(validatePolicyRule({}, true, 'rules[0]')), [
    'rules[0].verbs FieldValueRequired verbs must contain at least one value',
    'rules[0].apiGroups FieldValueRequired resource rules must supply at least one api group',
    'rules[0].resources FieldValueRequired resource rules must supply at least one resource',
  ]);
  // resourceNames only name objects of the rule's resources.
  assert.deepEqual(problems(validatePolicyRule({ verbs: ['get'], apiGroups: [''], resourceNames: ['x'] }, false, 'r')), [
    'r.resources FieldValueRequired resource rules must supply at least one resource',
  ]);
});

test('validatePolicyRule() keeps non-resource URLs to cluster roles and apart from resources', () => {
  assert.deepEqual(validatePolicyRule({ verbs: ['get'], nonResourceURLs: ['/healthz'] }, false, 'r'), []);
  assert.deepEqual(problems(validatePolicyRule({ verbs: ['get'], nonResourceURLs: ['/healthz'], resources: ['pods'] }, true, 'r')), [
    'r.nonResourceURLs FieldValueInvalid namespaced rules cannot apply to non-resource URLs',
    'r.nonResourceURLs FieldValueInvalid rules cannot apply to both regular resources and non-resource URLs',
  ]);
});

test('validateSubject() checks kinds and their apiGroups', () => {
  assert.deepEqual(validateSubject({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, true, 's'), []);
  assert.deepEqual(validateSubject({ kind: 'ServiceAccount', name: 'default' }, true, 's'), []);
  assert.deepEqual(problems(validateSubject({ kind: 'ServiceAccount', name: 'default' }, false, 's')), ['s.namespace FieldValueRequired ']);
  assert.deepEqual(problems(validateSubject({ kind: 'Group', apiGroup: '', name: 'devs' }, true, 's')), [
    's.apiGroup FieldValueNotSupported supported values: "rbac.authorization.k8s.io"',
  ]);
  assert.deepEqual(problems(validateSubject({ kind: 'ServiceAccount', apiGroup: 'x', name: 'Bad_Name' }, true, 's')).length, 2);
  assert.deepEqual(problems(validateSubject({ kind: 'Robot', name: 'r2' }, true, 's')), [
    's.kind FieldValueNotSupported supported values: "ServiceAccount", "User", "Group"',
  ]);
  assert.deepEqual(problems(validateSubject({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io' }, true, 's')), ['s.name FieldValueRequired ']);
});

test('defaultBinding() fills the roleRef group and the group of User and Group subjects', () => {
  const b: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'b', namespace: 'n' },
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'u' }, { kind: 'Group', name: 'g' }, { kind: 'ServiceAccount', name: 'sa' }],
  };
  defaultBinding(b);
  assert.deepEqual(b.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(b.subjects, [
    { kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'Group', name: 'g', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'sa' },
  ]);
});
