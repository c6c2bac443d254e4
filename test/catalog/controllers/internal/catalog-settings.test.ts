import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollDelayMs, retryDelayMs, type ResolvedCatalogSettings } from '../../../../src/catalog/controllers/internal/catalog-settings.js';

const settings: ResolvedCatalogSettings = { retryBaseMs: 1000, retryMaxMs: 10_000, pollIntervalMs: 500, maxPollIntervalMs: 3000, requestTimeoutMs: 1000, workers: 1 };

test('retryDelayMs() doubles from the base up to the cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 40].map((n) => retryDelayMs(settings, n)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
});

test('pollDelayMs() honours Retry-After up to the longest poll interval', () => {
  assert.equal(pollDelayMs(settings, undefined), 500);
  assert.equal(pollDelayMs(settings, 2000), 2000);
  assert.equal(pollDelayMs(settings, 60_000), 3000);
});

test('pollLimitMs() reports the plan\'s maximum_polling_duration, else the deadline less the start', async () => {
  const { pollLimitMs } = await import('../../../../src/catalog/controllers/internal/catalog-settings.js');
  const plan = { apiVersion: 'servicecatalog.k8s.io/v1beta1', kind: 'ClusterServicePlan', metadata: { name: 'p' }, spec: { maximumPollingDuration: 1 } };
  // The start is kept to the second, so the difference can be a second off; the plan's value is exact.
  assert.equal(pollLimitMs(plan, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01.900Z'), 1000);
  assert.equal(pollLimitMs(undefined, '2026-01-01T00:00:00Z', '2026-01-01T00:00:02.000Z'), 2000);
});
