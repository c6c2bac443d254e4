import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore, DigestMismatchError, sha256Digest } from '../../../../../src/node/runtimes/container/image/blob-store.js';

async function withStore(fn: (store: BlobStore, root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'wharf-blobs-'));
  try {
    await fn(new BlobStore(root), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('BlobStore.ingest() stores verified bytes under blobs/sha256/<hex>', async () => {
  await withStore(async (store, root) => {
    const bytes = Buffer.from('layer bytes');
    const digest = sha256Digest(bytes);
    assert.equal(await store.ingest(Readable.from([bytes.subarray(0, 3), bytes.subarray(3)]), digest, bytes.length), digest);
    assert.ok(existsSync(path.join(root, 'blobs', 'sha256', digest.slice(7))));
    assert.deepEqual(await store.read(digest), bytes);
    assert.deepEqual(await store.list(), [digest]);
  });
});

test('BlobStore.ingest() rejects bytes that do not match the digest or size and keeps nothing', async () => {
  await withStore(async (store, root) => {
    const wrong = sha256Digest('something else');
    await assert.rejects(store.ingest(Readable.from([Buffer.from('abc')]), wrong), (e: unknown) => e instanceof DigestMismatchError && /unexpected commit digest/.test(e.message));
    await assert.rejects(store.ingest(Readable.from([Buffer.from('abcdef')]), sha256Digest('abcdef'), 3), /unexpected commit size/);
    assert.equal(await store.has(wrong), false);
    assert.deepEqual(await store.list(), []);
    assert.deepEqual(readdirSync(path.join(root, 'tmp')), [], 'no partial downloads left behind');
  });
});

test('BlobStore.writeBuffer() checks a given digest', async () => {
  await withStore(async (store) => {
    await assert.rejects(store.writeBuffer(Buffer.from('x'), sha256Digest('y')), DigestMismatchError);
    const d = await store.writeBuffer(Buffer.from('x'));
    assert.equal(d, sha256Digest('x'));
    await store.remove(d);
    assert.equal(await store.has(d), false);
  });
});
