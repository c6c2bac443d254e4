import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeRelativePath, writeAtomicPayload } from '../../../../src/node/runtimes/container/atomic-writer.js';

test('writeAtomicPayload() lays out ..data and top-level links, skips an unchanged payload and swaps a changed one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-atomic-'));
  try {
    const files = [{ path: 'a.txt', content: Buffer.from('one'), mode: 0o644 }, { path: 'sub/b.txt', content: Buffer.from('two'), mode: 0o600 }];
    assert.equal(await writeAtomicPayload(dir, files), true);
    const first = await readlink(join(dir, '..data'));
    assert.match(first, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.[0-9a-f]{10}$/);
    assert.equal(await readlink(join(dir, 'sub')), join('..data', 'sub'));
    assert.equal(await readFile(join(dir, 'sub', 'b.txt'), 'utf8'), 'two');
    assert.equal(await writeAtomicPayload(dir, files), false);
    assert.equal(await readlink(join(dir, '..data')), first);
    assert.equal(await writeAtomicPayload(dir, [{ path: 'a.txt', content: Buffer.from('changed'), mode: 0o644 }]), true);
    assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'changed');
    assert.deepEqual((await readdir(dir)).filter((e) => !e.startsWith('..')), ['a.txt']);
    assert.equal((await readdir(dir)).includes(first), false);
    await assert.rejects(writeAtomicPayload(dir, [{ path: '../escape', content: Buffer.from(''), mode: 0o644 }]), /must be relative/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('safeRelativePath() refuses absolute paths and .. elements', () => {
  assert.equal(safeRelativePath('a/b'), true);
  assert.equal(safeRelativePath('/a'), false);
  assert.equal(safeRelativePath('a/../b'), false);
  assert.equal(safeRelativePath(''), false);
});
