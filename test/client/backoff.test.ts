import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, sleep } from '../../src/client/backoff.js';

test('Backoff.next() doubles up to the cap, within the jitter, and reset() starts over', () => {
  const b = new Backoff(100, 1000, 0.5);
  const waits = Array.from({ length: 6 }, () => b.next());
  const bases = [100, 200, 400, 800, 1000, 1000];
  waits.forEach((w, i) => {
    assert.ok(w >= bases[i] && w <= Math.min(bases[i] * 1.5, 1000), `wait ${i} = ${w}`);
  });
  b.reset();
  assert.ok(b.next() < 150);
  assert.throws(() => new Backoff(0, 10), RangeError);
});

test('sleep() waits, and returns early without error when aborted', async () => {
  let t = Date.now();
  await sleep(30);
  assert.ok(Date.now() - t >= 25);
  const abort = new AbortController();
  t = Date.now();
  setTimeout(() => abort.abort(), 10);
  await sleep(10_000, abort.signal);
  assert.ok(Date.now() - t < 1000);
  await sleep(10_000, abort.signal); // already aborted: immediate
});
