import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRoleBinding } from '../../../../src/api/resources/rbac/cluster-role-binding.js';
import type { KubeObject } from '../../../../src/api/object.js';

const make = (kind: string, subjects: unknown[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'b' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: 'r' },
  subjects,
});

test('validate() allows only ClusterRole refs and namespaced ServiceAccount subjects', () => {
  assert.equal(clusterRoleBinding.namespaced, false);
  assert.deepEqual(clusterRoleBinding.strategy.validate!(make('ClusterRole', [{ kind: 'ServiceAccount', name: 'sa', namespace: 'kube-system' }])), []);
  assert.deepEqual(
    clusterRoleBinding.strategy.validate!(make('Role', [{ kind: 'ServiceAccount', name: 'sa' }])).map((e) => [e.field, e.detail]),
    [
      ['roleRef.kind', 'supported values: "ClusterRole"'],
      ['subjects[0].namespace', ''],
    ],
  );
});

test('defaulting fills the roleRef group before validation', () => {
  const b = make('ClusterRole', [{ kind: 'Group', name: 'g' }]);
  (b.roleRef as Record<string, unknown>).apiGroup = '';
  clusterRoleBinding.strategy.default!(b);
  assert.deepEqual(clusterRoleBinding.strategy.validate!(b), []);
  assert.deepEqual(clusterRoleBinding.printerColumns.map((c) => c.name), ['Role', 'Age', 'Users', 'Groups', 'ServiceAccounts']);
});
