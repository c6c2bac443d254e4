import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, decodeObject } from '../../../src/apiserver/protobuf/decode-object.js';
import { type Field, bool, bytes, entry, envelope, int, message, newObjectMeta, str, sub } from './proto-builder.js';

test('embedded Go structs are inlined into the parent object', () => {
  const volume = message(str(1, 'data'), bytes(2, message(sub(19, sub(1, str(1, 'settings')), int(3, 420)))));
  assert.deepEqual(decodeMessage(volume, 'core.Volume'), { name: 'data', configMap: { name: 'settings', defaultMode: 420 } });
  const probe = message(sub(1, sub(2, str(1, '/healthz'), sub(2, int(1, 1), str(3, 'http')))), int(2, 0), int(3, 5));
  assert.deepEqual(decodeMessage(probe, 'core.Probe'), { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 5 });
});

test('repeated fields append, packed or not; nested messages merge; the last scalar wins', () => {
  const ctx = message(bytes(4, new Uint8Array(0)), sub(1, str(1, 'a')), sub(1, str(2, 'b')));
  assert.deepEqual(decodeMessage(ctx, 'core.PodSecurityContext'), { seLinuxOptions: { user: 'a', role: 'b' } });
  const packed = message(bytes(4, Uint8Array.of(1, 2, 3)), int(4, 4));
  assert.deepEqual(decodeMessage(packed, 'core.PodSecurityContext'), { supplementalGroups: [1, 2, 3, 4] });
  assert.deepEqual(decodeMessage(message(str(1, 'A'), str(1, 'B')), 'core.EnvVar'), { name: 'B' });
  assert.deepEqual(decodeMessage(message(str(1, 'X'), str(2, 'a'), str(2, '')), 'core.EnvVar'), { name: 'X' });
});

test('map entries: duplicate keys keep the last, missing parts are zero values, __proto__ stays data', () => {
  const raw = message(entry(2, 'a', str(2, '1')), entry(2, 'a', str(2, '2')), sub(2, str(1, 'empty')), entry(2, '__proto__', str(2, 'x')));
  const data = decodeMessage(raw, 'core.ConfigMap').data as Record<string, unknown>;
  assert.deepEqual(Object.keys(data), ['a', 'empty', '__proto__']);
  assert.equal(data.a, '2');
  assert.equal(data.empty, '');
  assert.equal(Object.getOwnPropertyDescriptor(data, '__proto__')?.value, 'x');
  assert.equal(Object.getPrototypeOf(data), Object.prototype);
  const limits = decodeMessage(message(sub(1, str(1, 'cpu'))), 'core.ResourceRequirements');
  assert.deepEqual(limits, { limits: { cpu: '0' } });
});

test('unknown fields are skipped; int32 and int64 keep their sign', () => {
  const raw = message(str(99, 'future'), int(2, -7), bool(3, true), int(4, 2147483648));
  assert.deepEqual(decodeMessage(raw, 'core.PodSecurityContext'), { runAsUser: -7, runAsNonRoot: true, supplementalGroups: [2147483648] });
  assert.deepEqual(decodeMessage(message(int(4, -1)), 'core.ServiceAccountTokenProjection'), { user: -1 });
  assert.deepEqual(decodeMessage(message(int(5, -2)), 'core.Toleration'), { tolerationSeconds: -2 });
  assert.deepEqual(decodeMessage(message(int(3, 4294967295)), 'core.ContainerPort'), { containerPort: -1 });
});

test('apiVersion and kind come from the envelope; unknown envelope fields are ignored', () => {
  const body = envelope('coordination.k8s.io/v1', 'Lease', message(sub(1, str(1, 'l')), sub(2, str(1, 'me'), sub(4, int(1, 1704164645), int(2, 5000)))));
  const withExtra = Uint8Array.of(...body, ...message(str(9, 'x')));
  assert.deepEqual(decodeObject(withExtra), {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'l' },
    spec: { holderIdentity: 'me', renewTime: '2024-01-02T03:04:05.000005Z' },
  });
});

test('a Role with rules and a ClusterRole with an aggregation rule', () => {
  const rule = (...f: Field[]) => sub(2, ...f);
  const body = envelope(
    'rbac.authorization.k8s.io/v1',
    'Role',
    message(
      newObjectMeta('reader', str(3, 'team')),
      rule(str(1, 'get'), str(1, 'list'), str(2, ''), str(3, 'pods'), str(3, 'pods/log')),
      rule(str(1, 'get'), str(2, 'apps'), str(3, 'deployments'), str(4, 'web')),
    ),
  );
  assert.deepEqual(decodeObject(body), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'reader', namespace: 'team', creationTimestamp: null },
    rules: [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['web'] },
    ],
  });
  const aggregated = envelope(
    'rbac.authorization.k8s.io/v1',
    'ClusterRole',
    message(newObjectMeta('agg'), sub(2, str(1, 'get'), str(5, '/healthz')), sub(3, sub(1, entry(1, 'rbac.example.com/aggregate', str(2, 'true'))))),
  );
  const role = decodeObject(aggregated);
  assert.deepEqual(role.rules, [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
  assert.deepEqual(role.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] });
});

test('a RoleBinding with subjects: empty optional subject fields are dropped, roleRef keeps its fields', () => {
  const body = envelope(
    'rbac.authorization.k8s.io/v1',
    'RoleBinding',
    message(
      newObjectMeta('bind', str(3, 'team')),
      sub(2, str(1, 'User'), str(2, 'rbac.authorization.k8s.io'), str(3, 'alice'), str(4, '')),
      sub(2, str(1, 'ServiceAccount'), str(2, ''), str(3, 'robot'), str(4, 'team')),
      sub(3, str(1, 'rbac.authorization.k8s.io'), str(2, 'Role'), str(3, 'reader')),
    ),
  );
  const binding = decodeObject(body);
  assert.deepEqual(binding.subjects, [
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
    { kind: 'ServiceAccount', name: 'robot', namespace: 'team' },
  ]);
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
});

test('a SelfSubjectAccessReview with resource attributes and selectors, and a SubjectAccessReview with extra', () => {
  const attrs = sub(
    1,
    str(1, 'team'), str(2, 'list'), str(3, ''), str(4, 'v1'), str(5, 'pods'), str(6, ''), str(7, ''),
    sub(8, str(1, 'spec.nodeName=n1'), sub(2, str(1, 'spec.nodeName'), str(2, 'In'), str(3, 'n1'))),
    sub(9, str(1, ''), sub(2, str(1, 'app'), str(2, 'Exists'))),
  );
  const body = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', message(newObjectMeta(''), sub(2, attrs), sub(3, bool(1, false), bool(4, false), str(2, ''), str(3, ''))));
  assert.deepEqual(decodeObject(body), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: {
      resourceAttributes: {
        namespace: 'team',
        verb: 'list',
        version: 'v1',
        resource: 'pods',
        fieldSelector: { rawSelector: 'spec.nodeName=n1', requirements: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }] },
        labelSelector: { requirements: [{ key: 'app', operator: 'Exists' }] },
      },
    },
    status: { allowed: false },
  });
  const sar = envelope(
    'authorization.k8s.io/v1',
    'SubjectAccessReview',
    message(newObjectMeta(''), sub(2, sub(2, str(1, '/metrics'), str(2, 'get')), str(3, 'bob'), str(4, 'devs'), entry(5, 'scopes', sub(2, str(1, 'a'), str(1, 'b'))), str(6, ''))),
  );
  assert.deepEqual(decodeObject(sar).spec, { nonResourceAttributes: { path: '/metrics', verb: 'get' }, user: 'bob', groups: ['devs'], extra: { scopes: ['a', 'b'] } });
});

test('a LimitRange and a ResourceQuota with a scope selector', () => {
  const item = sub(1, str(1, 'Container'), entry(2, 'cpu', sub(2, str(1, '2'))), entry(4, 'memory', sub(2, str(1, '256Mi'))), entry(5, 'cpu', sub(2, str(1, '100m'))));
  const body = envelope('v1', 'LimitRange', message(newObjectMeta('limits', str(3, 'team')), sub(2, item)));
  assert.deepEqual(decodeObject(body), {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'limits', namespace: 'team', creationTimestamp: null },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, default: { memory: '256Mi' }, defaultRequest: { cpu: '100m' } }] },
  });
  const quota = envelope(
    'v1',
    'ResourceQuota',
    message(newObjectMeta('q'), sub(2, entry(1, 'pods', sub(2, str(1, '10'))), str(2, 'NotBestEffort'), sub(3, sub(1, str(1, 'PriorityClass'), str(2, 'In'), str(3, 'high')))), sub(3)),
  );
  assert.deepEqual(decodeObject(quota).spec, {
    hard: { pods: '10' },
    scopes: ['NotBestEffort'],
    scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] },
  });
});
