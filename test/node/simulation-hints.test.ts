import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, simulationHints } from '../../src/node/simulation-hints.js';
import { simPod } from './fixtures.js';

test('parseGoDuration() reads Go durations and bare seconds', () => {
  assert.equal(parseGoDuration('5s'), 5000);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('1h'), 3_600_000);
  assert.equal(parseGoDuration('2.5s'), 2500);
  assert.equal(parseGoDuration('3'), 3000);
  assert.equal(parseGoDuration(''), undefined);
  assert.equal(parseGoDuration('5 s'), undefined);
  assert.equal(parseGoDuration('soon'), undefined);
});

test('simulationHints() reads the wharf.dev/simulate-* annotations, ignoring malformed ones', () => {
  assert.deepEqual(simulationHints(simPod('p')), { exitCode: 0 });
  const hints = simulationHints(simPod('p', { annotations: { 'wharf.dev/simulate-exit-after': '5s', 'wharf.dev/simulate-exit-code': '1', 'wharf.dev/simulate-start-after': '100ms', 'wharf.dev/simulate-stop-after': 'bad' } }));
  assert.deepEqual(hints, { exitAfterMs: 5000, exitCode: 1, startAfterMs: 100, stopAfterMs: undefined });
  assert.equal(simulationHints(simPod('p', { annotations: { 'wharf.dev/simulate-exit-code': 'x' } })).exitCode, 0);
});
