import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRole } from '../../../../src/api/resources/rbac/cluster-role.js';
import type { KubeObject } from '../../../../src/api/object.js';

const make = (extra: Record<string, unknown>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'c' },
  ...extra,
});

test('cluster roles are cluster-scoped and allow URL rules', () => {
  assert.equal(clusterRole.namespaced, false);
  assert.equal(clusterRole.generation, false);
  assert.deepEqual(clusterRole.strategy.validate!(make({ rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] })), []);
  assert.equal(clusterRole.printerColumns[0].name, 'Created At');
});

test('validate() checks the aggregationRule selectors', () => {
  assert.deepEqual(clusterRole.strategy.validate!(make({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } })), []);
  assert.deepEqual(
    clusterRole.strategy.validate!(make({ aggregationRule: {} })).map((e) => [e.field, e.detail]),
    [['aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil']],
  );
  const bad = clusterRole.strategy.validate!(make({ aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Near' }] }] } }));
  assert.deepEqual(bad.map((e) => e.field), ['aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator']);
});
