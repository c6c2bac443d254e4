import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StateLock } from '../../src/storage/sqlite/state-lock.js';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

function tempState(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'state.db');
}

test('a state file is claimed by one holder at a time, and free again once released', (t) => {
  const state = tempState(t);
  const first = StateLock.acquire(state);
  assert.match(readFileSync(`${state}.lock`, 'utf8'), new RegExp(`^${process.pid} \\d+\\n$`));
  assert.throws(() => StateLock.acquire(state), new RegExp(`in use by process ${process.pid} \\(this one\\)`));
  first.release();
  assert.equal(existsSync(`${state}.lock`), false);
  const second = StateLock.acquire(state);
  second.release();
});

test('a claim left by a process that is gone is taken over', (t) => {
  const state = tempState(t);
  // A process that has exited: its pid names no one (or, rarely, someone who started later).
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(`${state}.lock`, `${child.stdout} 12345\n`);
  const lock = StateLock.acquire(state);
  assert.match(readFileSync(`${state}.lock`, 'utf8'), new RegExp(`^${process.pid} `));
  lock.release();
});

test('a claim naming a live pid with another start time (the pid was reused) is taken over', (t) => {
  const state = tempState(t);
  writeFileSync(`${state}.lock`, `${process.pid} 1\n`);
  const lock = StateLock.acquire(state);
  lock.release();
});

test('an unreadable claim is taken over; releasing leaves a claim that is no longer ours', (t) => {
  const state = tempState(t);
  writeFileSync(`${state}.lock`, 'not a claim');
  const lock = StateLock.acquire(state);
  writeFileSync(`${state}.lock`, 'someone else\n');
  lock.release();
  assert.equal(readFileSync(`${state}.lock`, 'utf8'), 'someone else\n');
});

test('a second SqliteStore on the same file is refused until the first closes, and changes nothing', async (t) => {
  const state = tempState(t);
  const first = new SqliteStore(state, { durable: false });
  await first.create('/k/a', 'one');
  assert.throws(() => new SqliteStore(state, { durable: false }), /in use by process/);
  assert.equal((await first.list('/k/')).kvs.length, 1);
  await first.create('/k/b', 'two');
  await first.close();
  const again = new SqliteStore(state, { durable: false });
  try {
    assert.deepEqual((await again.list('/k/')).kvs.map((kv) => kv.key), ['/k/a', '/k/b']);
  } finally {
    await again.close();
  }
});
