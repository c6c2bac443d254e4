import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eachLimit } from '../../../src/controllers/internal/each-limit.js';

test('eachLimit() visits every item once, never more than `limit` at a time', async () => {
  const seen: number[] = [];
  let running = 0;
  let peak = 0;
  await eachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 5));
    seen.push(n);
    running--;
  });
  assert.deepEqual([...seen].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(peak, 3);
});

test('eachLimit() with no items resolves without calling fn', async () => {
  let calls = 0;
  await eachLimit([], 4, async () => {
    calls++;
  });
  assert.equal(calls, 0);
});
