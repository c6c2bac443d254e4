import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/index.js';
import { resourceQuota } from '../../../../src/api/resources/core/resource-quota.js';

function quota(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec, ...(status ? { status } : {}) };
}

function messages(obj: KubeObject): string[] {
  return resourceQuota.strategy.validate!(obj).map((e) => `${e.field}: ${e.detail}`);
}

test('resourceQuota is core/v1 resourcequotas with short name quota and a status subresource', () => {
  assert.equal(resourceQuota.plural, 'resourcequotas');
  assert.deepEqual(resourceQuota.shortNames, ['quota']);
  assert.equal(resourceQuota.subresources.status, true);
  assert.deepEqual(resourceQuota.printerColumns.map((c) => c.name), ['Age', 'Request', 'Limit']);
});

test('the Request and Limit columns print used/hard per resource, limits.* apart', () => {
  const q = quota(
    { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi' } },
    { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '4Gi' }, used: { pods: '3', 'requests.cpu': '500m' } },
  );
  assert.equal(resourceQuota.printerColumns[1].cell(q, Date.now()), 'pods: 3/10, requests.cpu: 500m/2');
  assert.equal(resourceQuota.printerColumns[2].cell(q, Date.now()), 'limits.memory: 0/4Gi');
});

test('validate() accepts standard and count/ names and refuses unknown names, negatives, fractions of counts and bad scopes', () => {
  assert.deepEqual(messages(quota({ hard: { pods: '10', 'count/deployments.apps': '5', 'requests.storage': '10Gi', 'requests.example.com/gpu': '2' } })), []);
  assert.deepEqual(messages(quota({ hard: { widgets: '1' } })), ['spec.hard[widgets]: must be a standard resource type or fully qualified']);
  assert.deepEqual(messages(quota({ hard: { storage: '1Gi' } })), ['spec.hard[storage]: must be a standard resource for quota']);
  assert.deepEqual(messages(quota({ hard: { cpu: '-1' } })), ['spec.hard[cpu]: must be greater than or equal to 0']);
  assert.deepEqual(messages(quota({ hard: { pods: '1500m' } })), ['spec.hard[pods]: must be an integer']);
  assert.deepEqual(messages(quota({ hard: { pods: '1' }, scopes: ['Terminating', 'NotTerminating'] })), ['spec.scopes: conflicting scopes']);
  assert.deepEqual(messages(quota({ hard: { cpu: '1' }, scopes: ['BestEffort'] })), ['spec.hard: unsupported scope applied to resource']);
  assert.deepEqual(messages(quota({ hard: { pods: '1' }, scopes: ['Sometimes'] })), ['spec.scopes: unsupported scope']);
});

test('default() writes quantities in canonical form', () => {
  const q = quota({ hard: { cpu: '1000m', memory: '1024Mi' } });
  resourceQuota.strategy.default!(q);
  assert.deepEqual((q.spec as { hard: unknown }).hard, { cpu: '1', memory: '1Gi' });
});
