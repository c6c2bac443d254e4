import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podDisruptionBudget } from '../../../../src/api/resources/policy/pod-disruption-budget.js';
import type { KubeObject } from '../../../../src/api/object.js';

const make = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
});

test('validate() accepts minAvailable or maxUnavailable as int or percent', () => {
  assert.deepEqual(podDisruptionBudget.strategy.validate!(make({ minAvailable: 2 })), []);
  assert.deepEqual(podDisruptionBudget.strategy.validate!(make({ maxUnavailable: '50%' })), []);
});

test('validate() rejects both set, bad values and unknown eviction policies', () => {
  const errs = podDisruptionBudget.strategy.validate!(make({ minAvailable: 1, maxUnavailable: '150%', unhealthyPodEvictionPolicy: 'Never' }));
  assert.deepEqual(
    errs.map((e) => [e.field, e.type]),
    [
      ['spec', 'FieldValueInvalid'],
      ['spec.maxUnavailable', 'FieldValueInvalid'],
      ['spec.unhealthyPodEvictionPolicy', 'FieldValueNotSupported'],
    ],
  );
  assert.equal(errs[0].detail, 'minAvailable and maxUnavailable cannot be both set');
  assert.equal(errs[1].detail, 'must not be greater than 100%');
});

test('printer columns print N/A for the unset bound', () => {
  const o = make({ minAvailable: '50%' });
  o.status = { disruptionsAllowed: 1 };
  assert.deepEqual(
    podDisruptionBudget.printerColumns.map((c) => [c.name, c.cell(o, Date.parse('2024-01-09T00:00:00Z'))]),
    [
      ['Min Available', '50%'],
      ['Max Unavailable', 'N/A'],
      ['Allowed Disruptions', 1],
      ['Age', '8d'],
    ],
  );
});
