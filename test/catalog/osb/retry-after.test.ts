import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter } from '../../../src/catalog/osb/retry-after.js';

test('parseRetryAfter() reads seconds', () => {
  assert.equal(parseRetryAfter('0'), 0);
  assert.equal(parseRetryAfter(' 30 '), 30_000);
  assert.equal(parseRetryAfter(['5', '9']), 5000);
});

test('parseRetryAfter() reads an HTTP date relative to now, never negative', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
});

test('parseRetryAfter() ignores what it cannot read', () => {
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter(''), undefined);
  assert.equal(parseRetryAfter('-5'), undefined);
  assert.equal(parseRetryAfter('1.5'), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
});
