import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration } from '../../../src/apiserver/protobuf/go-duration.js';

test('durations print as Go time.Duration.String does', () => {
  const cases: Array<[bigint, string]> = [
    [0n, '0s'],
    [1n, '1ns'],
    [1_500n, '1.5µs'],
    [1_000_000n, '1ms'],
    [300_000_000n, '300ms'],
    [1_000_000_000n, '1s'],
    [1_500_000_000n, '1.5s'],
    [90_000_000_000n, '1m30s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_000_000_005n, '1h2m3.000000005s'],
    [-2_000_000_000n, '-2s'],
    [-(2n ** 63n), '-2562047h47m16.854775808s'],
    [2n ** 63n - 1n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text, `${ns}`);
});
