import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateClusterRoles, aggregatedRules } from '../../../src/apiserver/rbac/aggregation.js';
import type { PolicyRule } from '../../../src/apiserver/rbac/policy-rule.js';
import type { KubeObject } from '../../../src/api/object.js';
import { clusterRole, Objects } from './fixtures.js';

const rule = (resource: string, verbs = ['get']): PolicyRule => ({ verbs, apiGroups: [''], resources: [resource] });

function aggregated(name: string, label: string, labels?: Record<string, string>): KubeObject {
  return { ...clusterRole(name, [], labels), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] } };
}

test('aggregatedRules() gathers selected roles by name, each rule once, never the role itself', () => {
  const roles = [
    aggregated('monitoring', 'example.com/aggregate-to-monitoring', { 'example.com/aggregate-to-monitoring': 'true' }),
    clusterRole('b-endpoints', [rule('endpoints'), rule('pods')], { 'example.com/aggregate-to-monitoring': 'true' }),
    clusterRole('a-pods', [rule('pods')], { 'example.com/aggregate-to-monitoring': 'true' }),
    clusterRole('unrelated', [rule('secrets')]),
  ];
  assert.deepEqual(aggregatedRules(roles).get('monitoring'), [rule('pods'), rule('endpoints')]);
  assert.equal(aggregatedRules(roles).has('a-pods'), false);
});

test('aggregatedRules() settles chains: admin gathers edit, which gathers view', () => {
  const roles = [
    aggregated('admin', 'to-admin'),
    aggregated('edit', 'to-edit', { 'to-admin': 'true' }),
    aggregated('view', 'to-view', { 'to-edit': 'true' }),
    clusterRole('view-rules', [rule('pods')], { 'to-view': 'true' }),
    clusterRole('edit-rules', [rule('pods', ['create'])], { 'to-edit': 'true' }),
    clusterRole('admin-rules', [rule('roles', ['*'])], { 'to-admin': 'true' }),
  ];
  const out = aggregatedRules(roles);
  assert.deepEqual(out.get('view'), [rule('pods')]);
  assert.deepEqual(out.get('edit'), [rule('pods', ['create']), rule('pods')]);
  assert.deepEqual(out.get('admin'), [rule('roles', ['*']), rule('pods', ['create']), rule('pods')]);
});

test('aggregateClusterRoles() writes only roles whose rules differ, and nothing once settled', async () => {
  const objs = new Objects().add(
    aggregated('monitoring', 'to-monitoring'),
    clusterRole('pods', [rule('pods')], { 'to-monitoring': 'true' }),
    { ...aggregated('empty', 'to-nothing') },
  );
  const writes: [string, PolicyRule[]][] = [];
  const write = async (name: string, rules: PolicyRule[]): Promise<void> => {
    writes.push([name, rules]);
    const stored = objs.list('rbac.authorization.k8s.io', 'clusterroles').find((r) => r.metadata.name === name)!;
    stored.rules = rules;
  };
  assert.deepEqual(await aggregateClusterRoles(objs.list, write), ['monitoring']);
  assert.deepEqual(writes, [['monitoring', [rule('pods')]]]);
  assert.deepEqual(await aggregateClusterRoles(objs.list('rbac.authorization.k8s.io', 'clusterroles'), write), []);
});
