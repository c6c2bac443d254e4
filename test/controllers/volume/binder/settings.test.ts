import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binderSettings, defaultBinderSettings } from '../../../../src/controllers/volume/binder/settings.js';

test('binderSettings() fills defaults and takes overrides', () => {
  assert.deepEqual(binderSettings(undefined), defaultBinderSettings);
  assert.deepEqual(binderSettings({ syncPeriodMs: 500 }), { ...defaultBinderSettings, syncPeriodMs: 500 });
});

test('binderSettings() refuses values that are not positive numbers', () => {
  assert.throws(() => binderSettings({ workers: 0 }), RangeError);
  assert.throws(() => binderSettings({ syncPeriodMs: '1s' }), /syncPeriodMs must be a number > 0/);
});
