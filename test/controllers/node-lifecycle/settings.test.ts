import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNodeLifecycleSettings, nodeLifecycleSettings } from '../../../src/controllers/node-lifecycle/settings.js';

test('nodeLifecycleSettings() fills defaults and rejects bad values', () => {
  assert.deepEqual(nodeLifecycleSettings(undefined), defaultNodeLifecycleSettings);
  assert.equal(defaultNodeLifecycleSettings.nodeMonitorGracePeriodMs, 40_000);
  assert.equal(defaultNodeLifecycleSettings.evictionRate, 0.1);
  assert.equal(defaultNodeLifecycleSettings.unhealthyZoneThreshold, 0.55);
  assert.equal(nodeLifecycleSettings({ nodeMonitorGracePeriodMs: 500, unknown: 1 }).nodeMonitorGracePeriodMs, 500);
  assert.throws(() => nodeLifecycleSettings({ evictionRate: 'fast' }), RangeError);
  assert.throws(() => nodeLifecycleSettings({ evictionRate: -1 }), RangeError);
});
