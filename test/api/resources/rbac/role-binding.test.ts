import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roleBinding } from '../../../../src/api/resources/rbac/role-binding.js';
import type { KubeObject } from '../../../../src/api/object.js';

const make = (roleRef: Record<string, unknown>, subjects: unknown[] = []): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'b', namespace: 'dev', creationTimestamp: '2024-01-01T00:00:00Z' },
  roleRef,
  subjects,
});

test('validate() accepts Role and ClusterRole refs and checks the group', () => {
  for (const kind of ['Role', 'ClusterRole']) {
    assert.deepEqual(roleBinding.strategy.validate!(make({ apiGroup: 'rbac.authorization.k8s.io', kind, name: 'r' })), []);
  }
  assert.deepEqual(
    roleBinding.strategy.validate!(make({ apiGroup: 'apps', kind: 'Deployment', name: '' })).map((e) => [e.field, e.type]),
    [
      ['roleRef.apiGroup', 'FieldValueNotSupported'],
      ['roleRef.kind', 'FieldValueNotSupported'],
      ['roleRef.name', 'FieldValueRequired'],
    ],
  );
});

test('validateUpdate() refuses a changed roleRef', () => {
  const old = make({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' });
  assert.deepEqual(roleBinding.strategy.validateUpdate!(make({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'x' }]), old), []);
  const errs = roleBinding.strategy.validateUpdate!(make({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'r' }), old);
  assert.deepEqual(errs.map((e) => [e.field, e.detail]), [['roleRef', 'cannot change roleRef']]);
});

test('role bindings print ROLE and AGE, and subjects by kind in -o wide', () => {
  const b = make({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, [
    { kind: 'User', name: 'alice' },
    { kind: 'User', name: 'bob' },
    { kind: 'Group', name: 'devs' },
    { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
  ]);
  assert.deepEqual(
    roleBinding.printerColumns.map((c) => [c.name, c.priority, c.cell(b, Date.parse('2024-01-01T00:01:00Z'))]),
    [
      ['Role', 0, 'ClusterRole/view'],
      ['Age', 0, '60s'],
      ['Users', 1, 'alice, bob'],
      ['Groups', 1, 'devs'],
      ['ServiceAccounts', 1, 'build/ci'],
    ],
  );
  assert.equal(roleBinding.generation, false);
});
