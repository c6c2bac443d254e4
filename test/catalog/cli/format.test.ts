import assert from 'node:assert/strict';
import { test } from 'node:test';
import { age, formatTable, humanDuration } from '../../../src/catalog/cli/format.js';

test('formatTable() upper-cases headers and aligns columns three spaces apart', () => {
  assert.equal(
    formatTable(['name', 'status'], [['db', 'Ready'], ['a-longer-name', '']]),
    ['NAME            STATUS', 'db              Ready', 'a-longer-name'].join('\n'),
  );
});

test('humanDuration() shortens as kubectl does', () => {
  const s = 1000;
  assert.equal(humanDuration(45 * s), '45s');
  assert.equal(humanDuration(119 * s), '119s');
  assert.equal(humanDuration(200 * s), '3m20s');
  assert.equal(humanDuration(42 * 60 * s), '42m');
  assert.equal(humanDuration((5 * 60 + 10) * 60 * s), '5h10m');
  assert.equal(humanDuration(30 * 3600 * s), '30h');
  assert.equal(humanDuration(76 * 3600 * s), '3d4h');
  assert.equal(humanDuration(120 * 86400 * s), '120d');
  assert.equal(humanDuration(-5), '0s');
});

test('age() measures from creationTimestamp', () => {
  assert.equal(age('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:01:05Z')), '65s');
  assert.equal(age(undefined), '<unknown>');
});
