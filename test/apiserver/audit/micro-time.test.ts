import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime } from '../../../src/api/rfc3339.js';
import { preciseNow } from '../../../src/apiserver/audit/micro-time.js';

test('preciseNow() is close to Date.now() and has sub-millisecond resolution', () => {
  const before = Date.now();
  const now = preciseNow();
  assert.ok(Math.abs(now - before) < 50, `${now} vs ${before}`);
  assert.match(microTime(now), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
});
