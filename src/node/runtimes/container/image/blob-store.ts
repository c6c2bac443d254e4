import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class DigestMismatchError extends Error {
  override name = 'DigestMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`unexpected commit digest ${actual}, expected ${expected}: failed precondition`);
  }
}

export class SizeMismatchError extends Error {
  override name = 'SizeMismatchError';
  constructor(expected: number, actual: number) {
    super(`unexpected commit size ${actual}, expected ${expected}: failed precondition`);
  }
}

/**
 * Content-addressed blobs under `<root>/blobs/sha256/<hex>`, shared by every image and pod of the node. A
 * blob appears under its name only after its bytes were hashed and matched, so a present blob is trusted.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  path(digest: string): string {
    const hex = hexOf(digest);
    return path.join(this.root, 'blobs', 'sha256', hex);
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.path(digest))).isFile();
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size;
  }

  async read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  /** Writes bytes after checking them against `digest` (when given); returns their digest. */
  async writeBuffer(bytes: Buffer, digest?: string): Promise<string> {
    const actual = sha256Digest(bytes);
    if (digest !== undefined && digest !== actual) throw new DigestMismatchError(digest, actual);
    if (await this.has(actual)) return actual;
    const tmp = await this.tempPath();
    await writeFile(tmp, bytes);
    await this.commit(tmp, actual);
    return actual;
  }

  /**
   * Streams a blob into the store, hashing as it goes; the bytes land under their name only when digest
   * (and size, when given) match. `digest` undefined stores whatever arrives under its own digest.
   */
  async ingest(source: Readable, digest: string | undefined, size?: number): Promise<string> {
    const tmp = await this.tempPath();
    const hash = createHash('sha256');
    let count = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        count += chunk.length;
        // Stop a registry that sends more than the descriptor promised instead of filling the disk.
        if (size !== undefined && count > size) cb(new SizeMismatchError(size, count));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(source, tap, createWriteStream(tmp));
      if (size !== undefined && count !== size) throw new SizeMismatchError(size, count);
      const actual = `sha256:${hash.digest('hex')}`;
      if (digest !== undefined && actual !== digest) throw new DigestMismatchError(digest, actual);
      await this.commit(tmp, actual);
      return actual;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /** Digests of the blobs present. */
  async list(): Promise<string[]> {
    try {
      return (await readdir(path.join(this.root, 'blobs', 'sha256'))).filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
    } catch {
      return [];
    }
  }

  async remove(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** A fresh name in the store's scratch directory (same filesystem, so commits are renames). */
  async tempPath(prefix = 'blob'): Promise<string> {
    const dir = path.join(this.root, 'tmp');
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private async commit(tmp: string, digest: string): Promise<void> {
    const dest = this.path(digest);
    await mkdir(path.dirname(dest), { recursive: true });
    await rename(tmp, dest);
  }
}

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function hexOf(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m) throw new TypeError(`invalid digest "${digest}"`);
  return m[1]!;
}
