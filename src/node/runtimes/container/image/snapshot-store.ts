import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BlobStore } from './blob-store.js';
import { hexOf } from './blob-store.js';
import { applyLayer } from './layer-unpacker.js';
import type { Descriptor } from './manifest.js';

const run = promisify(execFile);

/**
 * One unpacked filesystem per image (keyed by its config digest) under `<root>/snapshots`, made once and
 * copied into each container's rootfs. A snapshot is built in scratch space and renamed into place, so one
 * that exists is complete.
 */
export class SnapshotStore {
  private readonly dir: string;
  private readonly building = new Map<string, Promise<string>>();

  constructor(
    private readonly root: string,
    private readonly blobs: BlobStore,
  ) {
    this.dir = path.join(root, 'snapshots');
  }

  path(configDigest: string): string {
    return path.join(this.dir, hexOf(configDigest));
  }

  async ensure(configDigest: string, layers: Descriptor[], diffIds: string[]): Promise<string> {
    const final = this.path(configDigest);
    if (await exists(final)) return final;
    let p = this.building.get(configDigest);
    if (!p) {
      p = this.build(final, layers, diffIds).finally(() => this.building.delete(configDigest));
      this.building.set(configDigest, p);
    }
    return p;
  }

  private async build(final: string, layers: Descriptor[], diffIds: string[]): Promise<string> {
    const scratch = path.join(this.root, 'tmp', `snapshot-${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(scratch, { recursive: true, mode: 0o755 });
    try {
      for (let i = 0; i < layers.length; i++) await applyLayer(this.blobs.path(layers[i]!.digest), scratch, diffIds[i]);
      await mkdir(this.dir, { recursive: true });
      try {
        await rename(scratch, final);
      } catch (e) {
        // Another process finished the same snapshot first; theirs is as good as ours.
        if (!(await exists(final))) throw e;
        await rm(scratch, { recursive: true, force: true });
      }
      return final;
    } catch (e) {
      await rm(scratch, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Copies a snapshot into `targetDir` with owners, modes, times, links and hard links kept; reflinks where
   * the filesystem has them. A copy, not hard links, so a container writing a file cannot change the image.
   */
  async copyTo(configDigest: string, targetDir: string): Promise<void> {
    const src = this.path(configDigest);
    await mkdir(targetDir, { recursive: true });
    await run('cp', ['-a', '--reflink=auto', `${src}/.`, targetDir]);
  }

  async remove(configDigest: string): Promise<number> {
    const p = this.path(configDigest);
    const bytes = await diskBytes(p);
    await rm(p, { recursive: true, force: true });
    return bytes;
  }

  /** Config digests of the snapshots present. */
  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => `sha256:${n}`);
    } catch {
      return [];
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Bytes a tree occupies (regular files by size, each inode once). */
export async function diskBytes(p: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (q: string): Promise<void> => {
    let st;
    try {
      st = await lstat(q);
    } catch {
      return;
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (st.isFile()) total += st.size;
    if (st.isDirectory()) for (const c of await readdir(q)) await walk(path.join(q, c));
  };
  await walk(p);
  return total;
}
