import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podGcSettings } from '../../../src/controllers/pod-gc/settings.js';

test('podGcSettings() defaults to 12,500 terminated pods, a 20 s period and a 40 s quarantine', () => {
  assert.deepEqual(podGcSettings(undefined), { terminatedPodThreshold: 12_500, gcPeriodMs: 20_000, quarantineMs: 40_000 });
  assert.equal(podGcSettings({ terminatedPodThreshold: 0 }).terminatedPodThreshold, 0);
  assert.throws(() => podGcSettings({ gcPeriodMs: Number.NaN }), RangeError);
});
