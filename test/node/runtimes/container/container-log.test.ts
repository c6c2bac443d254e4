import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerLogPump, criLogLine, rfc3339Nano } from '../../../../src/node/runtimes/container/container-log.js';

test('rfc3339Nano() prints Go RFC3339Nano: nanoseconds with trailing zeros trimmed', () => {
  assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 120)), '2024-01-02T03:04:05.12Z');
  assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 0)), '2024-01-02T03:04:05Z');
  assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 1) + 0.25), '2024-01-02T03:04:05.00125Z');
  assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 999) + 0.9999), '2024-01-02T03:04:06Z');
  assert.equal(criLogLine(Date.UTC(2024, 0, 2), 'stderr', false, 'x'), '2024-01-02T00:00:00Z stderr P x\n');
});

test('ContainerLogPump turns raw stdout and stderr into CRI lines, holding a partial line until it ends', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-log-'));
  try {
    const raw = { stdout: join(dir, 'out'), stderr: join(dir, 'err') };
    await writeFile(raw.stdout, 'one\ntw');
    await writeFile(raw.stderr, 'oops\n');
    const log = join(dir, '0.log');
    const pump = new ContainerLogPump(log, raw);
    await pump.start();
    await pump.kick();
    let lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(lines, ['stdout F one', 'stderr F oops']);
    assert.deepEqual(pump.offsets, { stdout: 4, stderr: 5 });
    await appendFile(raw.stdout, 'o\n' + 'x'.repeat(16 * 1024 + 3) + '\nlast');
    await pump.finish();
    lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(lines.slice(2), ['stdout F two', `stdout P ${'x'.repeat(16 * 1024)}`, 'stdout F xxx', 'stdout F last']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ContainerLogPump resumes from saved offsets without logging lines twice', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-log-'));
  try {
    const raw = { stdout: join(dir, 'out'), stderr: join(dir, 'err') };
    await writeFile(raw.stdout, 'old\nnew\n');
    await writeFile(raw.stderr, '');
    const log = join(dir, '0.log');
    const pump = new ContainerLogPump(log, raw, { stdout: 4 });
    await pump.start();
    await pump.finish();
    assert.deepEqual((await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, '')), ['stdout F new']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ContainerLogPump rotates a full log (keeping maxLogFiles) and empties raw output it has read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-log-'));
  try {
    const raw = { stdout: join(dir, 'out'), stderr: join(dir, 'err') };
    await writeFile(raw.stdout, '');
    await writeFile(raw.stderr, '');
    const log = join(dir, '0.log');
    const pump = new ContainerLogPump(log, raw, {}, { maxLogBytes: 200, maxLogFiles: 2, rawTruncateBytes: 20 });
    await pump.start();
    for (let i = 0; i < 12; i++) {
      await appendFile(raw.stdout, `line number ${i}\n`);
      await pump.kick();
      // A rotated name has a one-second stamp: space the rotations out.
      if (i % 4 === 3) await new Promise((r) => setTimeout(r, 1100));
    }
    await pump.finish();
    const files = (await readdir(dir)).filter((f) => f.startsWith('0.log')).sort();
    assert.equal(files.length, 2, files.join(','));
    assert.equal(files[0], '0.log');
    const current = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    assert.ok(current.length > 0 && current.length < 12);
    assert.ok(current[current.length - 1].endsWith('stdout F line number 11'));
    assert.ok((await stat(raw.stdout)).size < 20, 'the raw file was emptied');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
