import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy, ruleMatches } from '../../../src/apiserver/audit/evaluate-policy.js';
import type { AuditPolicy, AuditPolicyRule } from '../../../src/apiserver/audit/types.js';
import type { AuthorizationAttributes } from '../../../src/apiserver/request-context.js';

const alice = { username: 'alice', groups: ['devs', 'system:authenticated'] };

function res(over: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user: alice, verb: 'get', resourceRequest: true, apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'default', name: 'web', ...over };
}

function nonRes(path: string, verb = 'get'): AuthorizationAttributes {
  return { user: alice, verb, resourceRequest: false, path };
}

const matches = (rule: Omit<AuditPolicyRule, 'level'>, attrs: AuthorizationAttributes): boolean => ruleMatches({ level: 'Metadata', ...rule }, attrs);

describe('ruleMatches()', () => {
  test('an empty rule matches every request', () => {
    assert.equal(matches({}, res()), true);
    assert.equal(matches({}, nonRes('/healthz')), true);
  });

  test('users selects by username', () => {
    assert.equal(matches({ users: ['alice'] }, res()), true);
    assert.equal(matches({ users: ['bob'] }, res()), false);
  });

  test('userGroups selects when any group of the user is listed', () => {
    assert.equal(matches({ userGroups: ['ops', 'devs'] }, res()), true);
    assert.equal(matches({ userGroups: ['ops'] }, res()), false);
  });

  test('verbs selects by verb', () => {
    assert.equal(matches({ verbs: ['get', 'list'] }, res()), true);
    assert.equal(matches({ verbs: ['create'] }, res()), false);
  });

  test('namespaces selects resource requests in those namespaces; "" is cluster scope', () => {
    assert.equal(matches({ namespaces: ['default'] }, res()), true);
    assert.equal(matches({ namespaces: ['kube-system'] }, res()), false);
    assert.equal(matches({ namespaces: [''] }, res({ resource: 'nodes', namespace: undefined })), true);
    assert.equal(matches({ namespaces: ['default'] }, nonRes('/api')), false);
  });

  test('resources match group and resource', () => {
    assert.equal(matches({ resources: [{ group: '', resources: ['pods'] }] }, res()), true);
    assert.equal(matches({ resources: [{ group: '', resources: ['secrets'] }] }, res()), false);
    assert.equal(matches({ resources: [{ group: 'apps', resources: ['pods'] }] }, res()), false);
    assert.equal(matches({ resources: [{ group: 'apps' }] }, res({ apiGroup: 'apps', resource: 'deployments' })), true);
    assert.equal(matches({ resources: [{ resources: ['pods'] }] }, res()), true, 'an absent group is the core group');
    assert.equal(matches({ resources: [{ group: '', resources: ['pods'] }] }, nonRes('/api/v1')), false);
  });

  test('subresources: exact, resource/*, */subresource and *', () => {
    const log = res({ subresource: 'log' });
    assert.equal(matches({ resources: [{ resources: ['pods'] }] }, log), false, 'pods does not cover pods/log');
    assert.equal(matches({ resources: [{ resources: ['pods/log'] }] }, log), true);
    assert.equal(matches({ resources: [{ resources: ['pods/status'] }] }, log), false);
    assert.equal(matches({ resources: [{ resources: ['pods/*'] }] }, log), true);
    assert.equal(matches({ resources: [{ resources: ['pods/*'] }] }, res()), true, 'pods/* covers pods itself');
    assert.equal(matches({ resources: [{ resources: ['*/log'] }] }, log), true);
    assert.equal(matches({ resources: [{ resources: ['*/log'] }] }, res()), false);
    assert.equal(matches({ resources: [{ resources: ['*'] }] }, log), true);
  });

  test('resourceNames limits to those objects', () => {
    assert.equal(matches({ resources: [{ resources: ['pods'], resourceNames: ['web'] }] }, res()), true);
    assert.equal(matches({ resources: [{ resources: ['pods'], resourceNames: ['db'] }] }, res()), false);
    assert.equal(matches({ resources: [{ resources: ['pods'], resourceNames: ['web'] }] }, res({ name: undefined, verb: 'list' })), false);
  });

  test('nonResourceURLs: exact, trailing * prefix, and *', () => {
    assert.equal(matches({ nonResourceURLs: ['/version'] }, nonRes('/version')), true);
    assert.equal(matches({ nonResourceURLs: ['/version'] }, nonRes('/versions')), false);
    assert.equal(matches({ nonResourceURLs: ['/healthz*'] }, nonRes('/healthz/etcd')), true);
    assert.equal(matches({ nonResourceURLs: ['/healthz*'] }, nonRes('/livez')), false);
    assert.equal(matches({ nonResourceURLs: ['*'] }, nonRes('/anything')), true);
    assert.equal(matches({ nonResourceURLs: ['*'] }, res()), false, 'resource requests are never non-resource URLs');
  });

  test('all fields of a rule must match', () => {
    const rule = { users: ['alice'], verbs: ['delete'], resources: [{ resources: ['pods'] }] };
    assert.equal(matches(rule, res({ verb: 'delete' })), true);
    assert.equal(matches(rule, res({ verb: 'get' })), false);
    assert.equal(matches(rule, res({ verb: 'delete', user: { username: 'bob', groups: [] } })), false);
  });
});

describe('evaluatePolicy()', () => {
  const policy: AuditPolicy = {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', users: ['system:kube-proxy'] },
      { level: 'RequestResponse', resources: [{ resources: ['pods'] }], omitStages: ['ResponseStarted'], omitManagedFields: true },
      { level: 'Metadata', resources: [{ resources: ['pods', 'secrets'] }] },
      { level: 'Request', verbs: ['create'] },
    ],
  };

  test('the first matching rule wins', () => {
    assert.equal(evaluatePolicy(policy, res()).level, 'RequestResponse');
    assert.equal(evaluatePolicy(policy, res({ resource: 'secrets', verb: 'create' })).level, 'Metadata');
    assert.equal(evaluatePolicy(policy, res({ resource: 'configmaps', verb: 'create' })).level, 'Request');
    assert.equal(evaluatePolicy(policy, res({ user: { username: 'system:kube-proxy', groups: [] } })).level, 'None');
  });

  test('a request no rule matches is not audited', () => {
    assert.equal(evaluatePolicy(policy, res({ resource: 'configmaps', verb: 'get' })).level, 'None');
  });

  test('omitStages joins the rule and the policy; omitManagedFields comes from the rule, else the policy', () => {
    const pods = evaluatePolicy(policy, res());
    assert.deepEqual([...pods.omitStages].sort(), ['RequestReceived', 'ResponseStarted']);
    assert.equal(pods.omitManagedFields, true);
    const secrets = evaluatePolicy(policy, res({ resource: 'secrets' }));
    assert.deepEqual(secrets.omitStages, ['RequestReceived']);
    assert.equal(secrets.omitManagedFields, false);
    const withDefault = evaluatePolicy({ ...policy, omitManagedFields: true }, res({ resource: 'secrets' }));
    assert.equal(withDefault.omitManagedFields, true);
    const overridden = evaluatePolicy({ ...policy, omitManagedFields: true, rules: [{ level: 'Metadata', omitManagedFields: false }] }, res());
    assert.equal(overridden.omitManagedFields, false);
  });
});
