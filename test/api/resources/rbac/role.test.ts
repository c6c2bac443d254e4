import { test } from 'node:test';
import assert from 'node:assert/strict';
import { role } from '../../../../src/api/resources/rbac/role.js';
import type { KubeObject } from '../../../../src/api/object.js';

const make = (name: string, rules: unknown[]): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace: 'default', creationTimestamp: '2024-05-01T10:00:00Z' },
  rules,
});

test('roles are namespaced, keep no generation and print CREATED AT', () => {
  assert.equal(role.namespaced, true);
  assert.equal(role.generation, false);
  assert.equal(role.schema, 'io.k8s.api.rbac.v1.Role');
  assert.deepEqual(role.printerColumns.map((c) => [c.name, c.type, c.cell(make('r', []), 0)]), [['Created At', 'date', '2024-05-01T10:00:00Z']]);
});

test('validate() accepts colon names and rejects namespaced URL rules', () => {
  assert.deepEqual(role.strategy.validate!(make('system:leader-locking', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }])), []);
  const errs = role.strategy.validate!(make('a/b', [{ verbs: ['get'], nonResourceURLs: ['/x'] }]));
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['metadata.name', "may not contain '/'"],
      ['rules[0].nonResourceURLs', 'namespaced rules cannot apply to non-resource URLs'],
    ],
  );
});
