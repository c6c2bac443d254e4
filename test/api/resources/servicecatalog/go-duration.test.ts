import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration } from '../../../../src/api/resources/servicecatalog/go-duration.js';

test('parseGoDuration() reads Go durations as metav1.Duration writes them', () => {
  assert.equal(parseGoDuration('15m0s'), 900_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('15'), undefined);
  assert.equal(parseGoDuration('soon'), undefined);
  assert.equal(parseGoDuration(''), undefined);
});
