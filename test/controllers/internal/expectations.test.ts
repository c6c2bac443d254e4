import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations, expectationsTimeoutMs, slowStartBatch } from '../../../src/controllers/internal/expectations.js';

test('Expectations() are satisfied once every creation and deletion is observed, or after the timeout', () => {
  let t = 0;
  const e = new Expectations(() => t);
  assert.equal(e.satisfied('ns/rs'), true);
  e.expect('ns/rs', 2, ['ns/p1']);
  assert.equal(e.satisfied('ns/rs'), false);
  e.creationObserved('ns/rs');
  e.lowerCreations('ns/rs', 1);
  assert.equal(e.satisfied('ns/rs'), false);
  e.deletionObserved('ns/rs', 'ns/p1');
  assert.equal(e.satisfied('ns/rs'), true);
  e.expect('ns/rs', 1);
  t += expectationsTimeoutMs + 1;
  assert.equal(e.satisfied('ns/rs'), true);
});

test('slowStartBatch() runs 1, 2, 4, ... at a time and stops after a failing batch', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let calls = 0;
  const ok = await slowStartBatch(10, 1, async () => {
    calls++;
    inFlight++;
    await new Promise((r) => setTimeout(r, 1));
    batches.push(inFlight);
    inFlight--;
  });
  assert.deepEqual(ok, { successes: 10 });
  assert.equal(calls, 10);
  assert.equal(Math.max(...batches), 4, 'batches of 1, 2, 4 and the last 3: never more than 4 at once');
  let n = 0;
  const failed = await slowStartBatch(10, 1, async () => {
    n++;
    if (n === 2) throw new Error('quota');
  });
  assert.equal(failed.successes, 2);
  assert.equal((failed.error as Error).message, 'quota');
  assert.equal(n, 3, 'batches of 1 and 2 ran, nothing after the failure');
});
