import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMicroTime, preciseNow } from '../../../src/apiserver/audit/micro-time.js';

test('formatMicroTime() writes RFC 3339 in UTC with six fractional digits', () => {
  assert.equal(formatMicroTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), '2024-01-02T03:04:05.006000Z');
  assert.equal(formatMicroTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6) + 0.789), '2024-01-02T03:04:05.006789Z');
  assert.equal(formatMicroTime(Date.UTC(1999, 11, 31, 23, 59, 59, 999) + 0.9999), '1999-12-31T23:59:59.999999Z');
});

test('preciseNow() is close to Date.now() and has sub-millisecond resolution', () => {
  const before = Date.now();
  const now = preciseNow();
  assert.ok(Math.abs(now - before) < 50, `${now} vs ${before}`);
  assert.match(formatMicroTime(now), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
});
