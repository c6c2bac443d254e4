import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageColumn, createdAtColumn, humanDuration, timestampSince } from '../../src/api/human-duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration() matches Kubernetes at each granularity', () => {
  const cases: [number, string][] = [
    [-3 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 12 * s, '3m12s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 5 * m, '3h5m'],
    [8 * h + 5 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [10 * d, '10d'],
    [800 * d, '2y70d'],
    [365 * 2 * d, '2y'],
    [365 * 9 * d, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('timestampSince() reads RFC 3339 and answers <unknown> without a time', () => {
  const now = Date.parse('2024-01-01T00:05:00Z');
  assert.equal(timestampSince('2024-01-01T00:00:00Z', now), '5m');
  assert.equal(timestampSince(undefined, now), '<unknown>');
  assert.equal(timestampSince('', now), '<unknown>');
});

test('ageColumn() fills the Age cell from creationTimestamp', () => {
  const col = ageColumn();
  assert.equal(col.name, 'Age');
  const now = Date.parse('2024-01-01T00:00:30Z');
  assert.equal(col.cell({ apiVersion: 'v1', kind: 'Pod', metadata: { creationTimestamp: '2024-01-01T00:00:00Z' } }, now), '30s');
});

test('createdAtColumn prints RFC 3339 UTC without fractions, Go\'s zero time when unset', () => {
  const at = (creationTimestamp?: string) => createdAtColumn.cell({ apiVersion: 'v1', kind: 'Role', metadata: { name: 'r', creationTimestamp } }, 0);
  assert.equal(at('2024-05-01T12:00:00+02:00'), '2024-05-01T10:00:00Z');
  assert.equal(at(undefined), '0001-01-01T00:00:00Z');
});
