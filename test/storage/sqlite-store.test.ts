import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteStore, type Store } from '../../src/storage/index.js';
import { openWriter } from '../../src/storage/sqlite/log-schema.js';
import { storeConformance } from './conformance.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wharf-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const files = new WeakMap<Store, string>();

// Commits on the writer thread (the default) and on the calling thread.
for (const writerThread of [true, false]) {
  storeConformance(
    writerThread ? 'sqlite' : 'sqlite committing inline',
    async () => {
      const file = path.join(dir, `s${n++}.db`);
      const s = new SqliteStore(file, { writerThread });
      files.set(s, file);
      return s;
    },
    async (closed) => new SqliteStore(files.get(closed)!, { writerThread }),
  );
}

test('an acknowledged SQLite write survives kill -9 of the writing process', async () => {
  const file = path.join(dir, 'killed.db');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const moduleUrl = new URL(`file://${path.resolve(here, '../../src/storage/index.js')}`).href;
  // The child acknowledges each write on stdout, then is killed without any chance to clean up.
  const script = `
    const { SqliteStore } = await import(${JSON.stringify(moduleUrl)});
    const s = new SqliteStore(${JSON.stringify(file)});
    for (let i = 0; ; i++) {
      await s.create('/k/' + String(i).padStart(6, '0'), 'v' + i);
      process.stdout.write(i + '\\n');
    }`;
  const child = spawn(process.execPath, [...process.execArgv.filter((a) => !a.startsWith('--test')), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let acked = -1;
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      const lines = d.toString().trim().split('\n');
      acked = Number(lines[lines.length - 1]);
      if (acked >= 200 && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.once('exit', r));
  const s = new SqliteStore(file);
  const listed = await s.list('/k/');
  assert.ok(listed.kvs.length >= acked + 1, `every acknowledged write is there (${listed.kvs.length} >= ${acked + 1})`);
  await s.close();
});

/** Makes every commit that writes a key under /poison/ fail, as a full disk or an I/O error would. */
function poison(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TRIGGER IF NOT EXISTS poison BEFORE INSERT ON log WHEN NEW.key LIKE '/poison/%' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;`);
  db.close();
}

test('after a failed commit the log writer refuses later commits until resumed', () => {
  const file = path.join(dir, 'refuse.db');
  const w = openWriter(Database, file, true);
  poison(file);
  w.commit([[1, '/a', 1, 0, 0, 'a']]);
  assert.throws(() => w.commit([[2, '/poison/x', 2, 0, 0, 'x']]), /poisoned/);
  assert.throws(() => w.commit([[2, '/b', 2, 0, 0, 'b']]), /refused after an earlier commit failed: poisoned/);
  w.resume();
  w.commit([[2, '/c', 2, 0, 0, 'c']]);
  w.close();
  const db = new Database(file, { readonly: true });
  assert.deepEqual(db.prepare('SELECT key FROM log ORDER BY rev').all(), [{ key: '/a' }, { key: '/c' }]);
  db.close();
});

test('a failed commit fails every write queued after it, and the store goes on from what is on disk', async () => {
  const file = path.join(dir, 'failed-batch.db');
  const s = new SqliteStore(file);
  poison(file);
  await s.create('/a', 'a');
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
  const outcome = (p: Promise<unknown>): Promise<string> => p.then(() => 'fulfilled', () => 'rejected');
  // A large write keeps the writer busy for a while: the poisoned batch waits behind it at the writer,
  // and the last two writes are queued before anyone knows the poisoned one failed.
  const big = outcome(s.create('/big', 'x'.repeat(48 * 1024 * 1024)));
  await turn();
  const poisoned = outcome(s.create('/poison/x', 'x'));
  await turn();
  const after = [outcome(s.create('/b', 'b')), outcome(s.update('/a', 'a2', 1))];
  assert.deepEqual(await Promise.all([big, poisoned, ...after]), ['fulfilled', 'rejected', 'rejected', 'rejected']);
  // The key index is what is on disk: /b can be created, /a still has its first revision.
  const b = await s.create('/b', 'b');
  assert.equal((await s.get('/a'))?.value, 'a');
  await s.update('/a', 'a3', 1);
  await s.close();
  const reopened = new SqliteStore(file);
  const listed = await reopened.list('/');
  assert.deepEqual(listed.kvs.map((kv) => kv.key), ['/a', '/b', '/big']);
  assert.equal(listed.kvs[0].value, 'a3');
  assert.equal(listed.kvs[1].revision, b.revision);
  await reopened.close();
});


test('the writer thread never checkpoints in a commit: a thread of its own does, and the WAL keeps to its bound', async () => {
  const file = path.join(dir, 'checkpoints.db');
  const s = new SqliteStore(file, { checkpointLimits: { everyBytes: 256 * 1024, maxWalFrames: 256 } });
  const value = 'v'.repeat(16 * 1024);
  let written = 0;
  /** Writes `batches` batches of 8 values (128 KiB), queued back to back, so that the writer is never idle. */
  const write = async (batches: number): Promise<void> => {
    const writes: Promise<unknown>[] = [];
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < 8; i++) writes.push(s.create(`/c/${String(written++).padStart(5, '0')}`, value));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(writes);
  };
  // Only a checkpoint writes pages into the database file; the writer's connection never does. The first
  // shows that the checkpoint thread is up.
  const deadline = Date.now() + 20_000;
  while (statSync(file).size < 1024 * 1024 && Date.now() < deadline) await write(4);
  assert.ok(statSync(file).size >= 1024 * 1024, `a checkpoint copied the WAL into the database file (${statSync(file).size} bytes)`);
  // That checkpoint, started before the thread was up to speed, is left to finish.
  for (let last = -1; statSync(file).size !== last; ) {
    last = statSync(file).size;
    await new Promise((r) => setTimeout(r, 200));
  }
  const walBefore = statSync(`${file}-wal`).size;
  await write(64);
  // 256 frames of 4 KiB, and what was committed while the last checkpoint ran: far less than the 8 MiB written.
  const walGrowth = statSync(`${file}-wal`).size - walBefore;
  assert.ok(walGrowth < 4 * 1024 * 1024, `the WAL started over on its way (it grew by ${walGrowth} bytes)`);
  await s.close();
  const reopened = new SqliteStore(file);
  assert.equal((await reopened.list('/c/')).kvs.length, written);
  await reopened.close();
});
