import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PullBackoff } from '../../../../../src/node/runtimes/container/image/pull-backoff.js';

test('PullBackoff doubles from 10 s to 300 s and forgets on success', () => {
  const b = new PullBackoff();
  const key = PullBackoff.key('uid-1', 'busybox');
  assert.equal(key, 'uid-1_busybox');
  assert.equal(b.isBackingOff(key, 0), false);
  const delays = [0, 1, 2, 3, 4, 5, 6].map((i) => b.failed(key, i));
  assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  assert.equal(b.isBackingOff(key, 100_000), true);
  assert.equal(b.isBackingOff(key, 300_007), false);
  b.succeeded(key);
  assert.equal(b.isBackingOff(key, 7), false);
  assert.equal(b.failed(key, 8), 10_000);
});

test('PullBackoff starts over after a long quiet spell, and gc() drops old keys', () => {
  const b = new PullBackoff(1000, 4000);
  b.failed('k', 0);
  b.failed('k', 1);
  assert.equal(b.failed('k', 20_000), 1000);
  b.gc(100_000);
  assert.equal(b.isBackingOff('k', 100_000), false);
});
