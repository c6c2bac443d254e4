import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InFlightLimit } from '../../../src/scheduler/api/in-flight-limit.js';

test('InFlightLimit runs at most max calls at once and idle() waits for all', async () => {
  const limit = new InFlightLimit(3);
  let running = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      limit.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return i;
      }),
    ),
  );
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(peak, 3);
  assert.equal(limit.size, 0);
});

test('InFlightLimit passes rejections through and frees the slot', async () => {
  const limit = new InFlightLimit(1);
  await assert.rejects(limit.run(async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await limit.run(async () => 'next'), 'next');
  await limit.idle();
  assert.throws(() => new InFlightLimit(0), RangeError);
});
