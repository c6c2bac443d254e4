import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { isPodActive, isPodAvailable, isPodRunningAndReady, isPodTerminal, msUntilAvailable } from '../../../src/controllers/workload-internal/pod-state.js';

const pod = (phase: string, ready?: string, since = '2024-01-01T00:00:00Z', deleting = false): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', ...(deleting ? { deletionTimestamp: since } : {}) },
  status: { phase, conditions: ready ? [{ type: 'Ready', status: ready, lastTransitionTime: since }] : [] },
});

test('pod state helpers read phase, readiness, deletion and availability after minReadySeconds', () => {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(isPodTerminal(pod('Succeeded')), true);
  assert.equal(isPodActive(pod('Running')), true);
  assert.equal(isPodActive(pod('Running', 'True', undefined, true)), false);
  assert.equal(isPodRunningAndReady(pod('Running', 'True')), true);
  assert.equal(isPodRunningAndReady(pod('Pending', 'True')), false);
  assert.equal(isPodAvailable(pod('Running', 'True'), 10, t0 + 9000), false);
  assert.equal(isPodAvailable(pod('Running', 'True'), 10, t0 + 10_000), true);
  assert.equal(msUntilAvailable(pod('Running', 'True'), 10, t0 + 4000), 6000);
  assert.equal(msUntilAvailable(pod('Running', 'False'), 10, t0), undefined);
});
