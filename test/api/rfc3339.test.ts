import { test } from 'node:test';
import assert from 'node:assert/strict';
import { microTime, nowRfc3339, rfc3339 } from '../../src/api/rfc3339.js';

test('rfc3339() writes UTC to the second, dropping milliseconds', () => {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(rfc3339(t0 + 1500), '2024-01-01T00:00:01Z');
  assert.equal(rfc3339(t0), '2024-01-01T00:00:00Z');
});

test('microTime() writes RFC 3339 in UTC with six fractional digits', () => {
  assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), '2024-01-02T03:04:05.006000Z');
  assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5, 6) + 0.789), '2024-01-02T03:04:05.006789Z');
  assert.equal(microTime(Date.UTC(1999, 11, 31, 23, 59, 59, 999) + 0.9999), '1999-12-31T23:59:59.999999Z');
  assert.equal(microTime(Date.parse('2025-01-02T03:04:05.678Z')), '2025-01-02T03:04:05.678000Z');
});

test('microTime() stays right when calls move between seconds, forwards and back', () => {
  const t = Date.UTC(2024, 5, 30, 23, 59, 59, 999);
  assert.equal(microTime(t + 0.5), '2024-06-30T23:59:59.999500Z');
  assert.equal(microTime(t + 1.25), '2024-07-01T00:00:00.000250Z');
  assert.equal(microTime(t + 0.75), '2024-06-30T23:59:59.999750Z');
  assert.equal(microTime(t - 59_999), '2024-06-30T23:59:00.000000Z');
});

test('nowRfc3339() is rfc3339() of the current time', () => {
  const before = rfc3339(Date.now());
  const now = nowRfc3339();
  const after = rfc3339(Date.now());
  assert.match(now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(before <= now && now <= after, `${before} <= ${now} <= ${after}`);
});
