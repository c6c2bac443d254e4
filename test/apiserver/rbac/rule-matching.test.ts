import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, ruleAllows } from '../../../src/apiserver/rbac/rule-matching.js';
import type { PolicyRule } from '../../../src/apiserver/rbac/policy-rule.js';
import { alice, path, resource } from './fixtures.js';

const allows = (rule: PolicyRule, a: Parameters<typeof ruleAllows>[0]): boolean => ruleAllows(a, compileRule(rule));

test('ruleAllows() matches verbs exactly or by "*"', () => {
  const r = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  assert.equal(allows(r, resource(alice, 'get', 'pods')), true);
  assert.equal(allows(r, resource(alice, 'list', 'pods')), true);
  assert.equal(allows(r, resource(alice, 'delete', 'pods')), false);
  assert.equal(allows({ ...r, verbs: ['*'] }, resource(alice, 'delete', 'pods')), true);
});

test('ruleAllows() matches API groups: "" is core, "*" is any', () => {
  const core = { verbs: ['get'], apiGroups: [''], resources: ['deployments'] };
  assert.equal(allows(core, resource(alice, 'get', 'deployments', { apiGroup: 'apps' })), false);
  assert.equal(allows({ ...core, apiGroups: ['apps'] }, resource(alice, 'get', 'deployments', { apiGroup: 'apps' })), true);
  assert.equal(allows({ ...core, apiGroups: ['*'] }, resource(alice, 'get', 'deployments', { apiGroup: 'apps' })), true);
});

test('ruleAllows() matches subresources only when named, by "resource/sub", "*/sub" or "*"', () => {
  const pods = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  assert.equal(allows(pods, resource(alice, 'get', 'pods/log')), false);
  assert.equal(allows({ ...pods, resources: ['pods/log'] }, resource(alice, 'get', 'pods/log')), true);
  assert.equal(allows({ ...pods, resources: ['pods/log'] }, resource(alice, 'get', 'pods')), false);
  assert.equal(allows({ ...pods, resources: ['pods/status'] }, resource(alice, 'get', 'pods/log')), false);
  assert.equal(allows({ ...pods, resources: ['*/scale'] }, resource(alice, 'get', 'deployments/scale')), true);
  assert.equal(allows({ ...pods, resources: ['*/scale'] }, resource(alice, 'get', 'deployments')), false);
  assert.equal(allows({ ...pods, resources: ['*'] }, resource(alice, 'get', 'pods/exec')), true);
  // A resource whose name merely starts like the rule's is not matched.
  assert.equal(allows({ ...pods, resources: ['pod/log'] }, resource(alice, 'get', 'pods/log')), false);
});

test('ruleAllows() with resourceNames matches only requests naming one of them', () => {
  const r = { verbs: ['get', 'list', 'create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] };
  assert.equal(allows(r, resource(alice, 'get', 'configmaps', { name: 'settings' })), true);
  assert.equal(allows(r, resource(alice, 'get', 'configmaps', { name: 'other' })), false);
  // A list names nothing unless a metadata.name field selector put the name in the attributes; a create never does.
  assert.equal(allows(r, resource(alice, 'list', 'configmaps')), false);
  assert.equal(allows(r, resource(alice, 'list', 'configmaps', { name: 'settings' })), true);
  assert.equal(allows(r, resource(alice, 'create', 'configmaps')), false);
});

test('ruleAllows() matches non-resource URLs exactly or by a trailing "*"', () => {
  const r = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  assert.equal(allows(r, path(alice, 'get', '/healthz')), true);
  assert.equal(allows(r, path(alice, 'get', '/healthz/etcd')), false);
  assert.equal(allows(r, path(alice, 'get', '/apis/apps/v1')), true);
  assert.equal(allows(r, path(alice, 'get', '/apis')), false);
  assert.equal(allows(r, path(alice, 'post', '/healthz')), false);
  assert.equal(allows({ verbs: ['*'], nonResourceURLs: ['*'] }, path(alice, 'put', '/anything')), true);
  // Resource rules never grant URLs and URL rules never grant resources.
  assert.equal(allows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, path(alice, 'get', '/healthz')), false);
  assert.equal(allows(r, resource(alice, 'get', 'pods')), false);
});
