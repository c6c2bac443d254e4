import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RetryGate } from '../../src/provisioner/index.js';

test('RetryGate doubles the delay per failure up to the cap, and a success starts over', () => {
  let now = 1000;
  const gate = new RetryGate(100, 500, () => now);
  assert.equal(gate.wait('k'), 0);
  assert.deepEqual(gate.failed('k'), { delayMs: 100, at: new Date(1100) });
  assert.equal(gate.wait('k'), 100);
  now = 1050;
  assert.equal(gate.wait('k'), 50);
  assert.equal(gate.failed('k').delayMs, 200);
  assert.equal(gate.failed('k').delayMs, 400);
  assert.equal(gate.failed('k').delayMs, 500);
  assert.equal(gate.failures('k'), 4);
  assert.equal(gate.wait('other'), 0, 'keys are apart');
  gate.succeeded('k');
  assert.equal(gate.wait('k'), 0);
  assert.equal(gate.failed('k').delayMs, 100);
});
