import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointSchedule } from '../../src/storage/sqlite/checkpoint-schedule.js';

test('a background checkpoint begins once enough is committed, and never two at once', () => {
  const s = new CheckpointSchedule({ everyBytes: 1000, maxWalFrames: 100 });
  assert.equal(s.committed(600), false);
  assert.equal(s.committed(600), true);
  // Still running: however much is committed meanwhile, no second one begins.
  assert.equal(s.committed(900), false);
  s.finished(50);
  // What was committed while it ran counts towards the next one.
  assert.equal(s.committed(99), false);
  assert.equal(s.committed(1), true);
});

test('the writer catches up itself, once, after a checkpoint that left the WAL past its bound', () => {
  const s = new CheckpointSchedule({ everyBytes: 1000, maxWalFrames: 100 });
  assert.equal(s.committed(1000), true);
  s.finished(100);
  assert.equal(s.takeCatchUp(), false, 'a WAL at its bound is left alone');
  assert.equal(s.committed(1000), true);
  s.finished(101);
  assert.equal(s.takeCatchUp(), true);
  assert.equal(s.takeCatchUp(), false);
});
