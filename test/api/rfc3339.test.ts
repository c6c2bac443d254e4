import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rfc3339 } from '../../src/api/rfc3339.js';

test('rfc3339() writes UTC to the second, dropping milliseconds', () => {
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(rfc3339(t0 + 1500), '2024-01-01T00:00:01Z');
  assert.equal(rfc3339(t0), '2024-01-01T00:00:00Z');
});
