import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binderSettings, defaultBinderSettings } from '../../../../src/controllers/volume/binder/settings.js';

test('binderSettings() fills defaults and takes overrides', () => {
  assert.deepEqual(binderSettings(undefined), defaultBinderSettings);
  assert.deepEqual(binderSettings({ syncPeriodMs: 500 }), { ...defaultBinderSettings, syncPeriodMs: 500 });
  assert.deepEqual(binderSettings({ volumeWorkers: 2, workers: 3 }), { ...defaultBinderSettings, volumeWorkers: 2, workers: 3 });
});

test('binderSettings() syncs many claims at once by default: a sync mostly waits on the API server', () => {
  assert.ok(defaultBinderSettings.workers >= 16);
  assert.ok(defaultBinderSettings.volumeWorkers >= 4);
});

test('binderSettings() refuses values that are not positive numbers', () => {
  assert.throws(() => binderSettings({ workers: 0 }), RangeError);
  assert.throws(() => binderSettings({ volumeWorkers: -1 }), /volumeWorkers must be a number > 0/);
  assert.throws(() => binderSettings({ syncPeriodMs: '1s' }), /syncPeriodMs must be a number > 0/);
});
