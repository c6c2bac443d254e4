import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyRuleOf, roleRefOf, sameRule, subjectsOf } from '../../../src/apiserver/rbac/policy-rule.js';
import type { KubeObject } from '../../../src/api/object.js';

test('policyRuleOf() reads rules loosely, in upstream field order, without empty lists', () => {
  assert.deepEqual(JSON.stringify(policyRuleOf({ resources: ['pods'], apiGroups: [''], verbs: ['get'], resourceNames: [], nonResourceURLs: null })), '{"verbs":["get"],"apiGroups":[""],"resources":["pods"]}');
  assert.deepEqual(policyRuleOf('junk'), { verbs: [] });
});

test('sameRule() treats absent and empty lists alike but not reordered ones', () => {
  assert.equal(sameRule({ verbs: ['get'], resourceNames: [] }, { verbs: ['get'] }), true);
  assert.equal(sameRule({ verbs: ['get', 'list'] }, { verbs: ['list', 'get'] }), false);
});

test('roleRefOf() and subjectsOf() tolerate malformed bindings', () => {
  const b: KubeObject = { apiVersion: 'v1', kind: 'RoleBinding', metadata: {}, roleRef: 'x', subjects: [null, { kind: 'User', name: 'u', namespace: '' }] };
  assert.deepEqual(roleRefOf(b), { apiGroup: '', kind: '', name: '' });
  assert.deepEqual(subjectsOf(b), [{ kind: 'User', name: 'u' }]);
});
