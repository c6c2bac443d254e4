import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BucketRateLimiter, defaultControllerRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter } from '../../src/client/rate-limiter.js';

test('ExponentialFailureRateLimiter doubles per key from 5 ms, caps at 1000 s, and forget() resets', () => {
  const l = new ExponentialFailureRateLimiter();
  assert.deepEqual([l.when('a'), l.when('a'), l.when('a'), l.when('b')], [5, 10, 20, 5]);
  assert.equal(l.numRequeues('a'), 3);
  for (let i = 0; i < 40; i++) l.when('a');
  assert.equal(l.when('a'), 1_000_000);
  l.forget('a');
  assert.equal(l.numRequeues('a'), 0);
  assert.equal(l.when('a'), 5);
});

test('BucketRateLimiter lets a burst through, then spaces requests at 1/qps', () => {
  let now = 0;
  const l = new BucketRateLimiter(10, 3, () => now);
  assert.deepEqual([l.when('x'), l.when('y'), l.when('z')], [0, 0, 0]);
  assert.equal(Math.round(l.when('x')), 100);
  assert.equal(Math.round(l.when('x')), 200);
  now = 1000; // 10 tokens refilled, 2 owed
  assert.equal(l.when('x'), 0);
});

test('MaxOfRateLimiter and the default limiter take the longer delay', () => {
  let now = 0;
  const l = new MaxOfRateLimiter(new ExponentialFailureRateLimiter(5, 1000), new BucketRateLimiter(1, 1, () => now));
  assert.equal(l.when('k'), 5);
  assert.equal(Math.round(l.when('k')), 1000);
  assert.equal(l.numRequeues('k'), 2);
  l.forget('k');
  assert.equal(l.numRequeues('k'), 0);
  const d = defaultControllerRateLimiter();
  assert.deepEqual([d.when('k'), d.when('k')], [5, 10]);
});
