import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/index.js';
import { limitRange } from '../../../../src/api/resources/core/limit-range.js';

function lr(limits: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'default', creationTimestamp: '2026-03-01T10:00:00Z' }, spec: { limits } };
}

function messages(obj: KubeObject): string[] {
  return limitRange.strategy.validate!(obj).map((e) => `${e.field}: ${e.detail}`);
}

test('limitRange is core/v1 limitranges with short name limits and a Created At column', () => {
  assert.equal(limitRange.plural, 'limitranges');
  assert.deepEqual(limitRange.shortNames, ['limits']);
  assert.equal(limitRange.namespaced, true);
  assert.deepEqual(limitRange.printerColumns.map((c) => c.name), ['Created At']);
  assert.equal(limitRange.printerColumns[0].cell(lr([]), Date.now()), '2026-03-01T10:00:00Z');
});

test('default() gives container limits the max and requests the default limit, then the min', () => {
  const obj = lr([{ type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { memory: '64Mi' }, default: { cpu: '1000m' } }, { type: 'Pod', max: { cpu: '4' } }]);
  limitRange.strategy.default!(obj);
  const [container, pod] = (obj.spec as { limits: Record<string, unknown>[] }).limits;
  assert.deepEqual(container.default, { cpu: '1', memory: '1Gi' });
  assert.deepEqual(container.defaultRequest, { cpu: '1', memory: '1Gi' });
  assert.equal(pod.default, undefined);
});

test('validate() accepts a consistent range and reports inverted bounds, bad names, Pod defaults and duplicates', () => {
  assert.deepEqual(messages(lr([{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '500m' }, defaultRequest: { cpu: '200m' } }])), []);
  assert.deepEqual(messages(lr([{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }])), ['spec.limits[0].min[cpu]: min value 2 is greater than max value 1']);
  assert.deepEqual(messages(lr([{ type: 'Container', defaultRequest: { cpu: '2' }, default: { cpu: '1' } }])), [
    'spec.limits[0].defaultRequest[cpu]: default request value 2 is greater than default limit value 1',
  ]);
  assert.deepEqual(messages(lr([{ type: 'Pod', default: { cpu: '1' } }])), ["spec.limits[0].default: may not be specified when `type` is 'Pod'"]);
  assert.deepEqual(messages(lr([{ type: 'Container', max: { pods: '1' } }])), ['spec.limits[0].max[pods]: must be a standard resource for containers']);
  assert.deepEqual(messages(lr([{ type: 'Widget' }])), ['spec.limits[0].type: must be a standard limit type or fully qualified']);
  assert.deepEqual(messages(lr([{ type: 'Container' }, { type: 'Container' }])), ['spec.limits[1].type: ']);
  assert.deepEqual(messages(lr([{ type: 'PersistentVolumeClaim' }])), ['spec.limits[0].limits: either minimum or maximum storage value is required, but neither was provided']);
  assert.deepEqual(messages(lr([{ type: 'Container', maxLimitRequestRatio: { cpu: '500m' } }])), ['spec.limits[0].maxLimitRequestRatio[cpu]: ratio 500m is less than 1']);
});
