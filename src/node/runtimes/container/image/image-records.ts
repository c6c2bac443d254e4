import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageConfig, PulledImage } from './image-types.js';
import type { Descriptor, ImageManifest } from './manifest.js';

/** A manifest whose blobs are all in the store, ready to be recorded under some names. */
export interface StoredImage {
  digest: string;
  manifestDigest: string;
  manifest: ImageManifest;
  /** Blobs besides config and layers that belong to the image (manifests, index). */
  extraBlobs: string[];
}

/** What the store remembers of one name pointing at one image. */
export interface ImageRecord {
  /** The normalized name: `docker.io/library/busybox:latest` or `...@sha256:...`. */
  reference: string;
  /** `docker.io/library/busybox`. */
  repository: string;
  /** The digest the name resolved to (an index's when there was one). */
  digest: string;
  manifestDigest: string;
  configDigest: string;
  layers: Descriptor[];
  diffIds: string[];
  config: ImageConfig;
  size: number;
  /** Every blob the image needs: top-level manifest, platform manifest, config, layers. */
  blobs: string[];
  createdAt: number;
  lastUsedAt: number;
}

/**
 * One small JSON file per name under `<root>/refs`, read from disk each time so `wharf image import` in
 * another process is seen by a running node at once. Writes are a rename, so a reader never sees half.
 */
export class ImageRecords {
  private readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, 'refs');
  }

  async all(): Promise<ImageRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: ImageRecord[] = [];
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const r = await this.read(path.join(this.dir, n));
      if (r) out.push(r);
    }
    return out;
  }

  async get(reference: string): Promise<ImageRecord | undefined> {
    return this.read(this.file(reference));
  }

  /**
   * Marks a use by the file's modification time rather than by rewriting it, so a use racing a pull that
   * moves the tag cannot put the old image back.
   */
  async touch(reference: string): Promise<void> {
    const now = new Date();
    await utimes(this.file(reference), now, now).catch(() => undefined);
  }

  private async read(file: string): Promise<ImageRecord | undefined> {
    try {
      const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
      const r = JSON.parse(text) as ImageRecord;
      return { ...r, lastUsedAt: Math.max(r.lastUsedAt, st.mtimeMs) };
    } catch {
      // Removed meanwhile, or a leftover of a crash: it is not an image.
      return undefined;
    }
  }

  async put(record: ImageRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, this.file(record.reference));
  }

  async remove(reference: string): Promise<void> {
    await rm(this.file(reference), { force: true });
  }

  private file(reference: string): string {
    return path.join(this.dir, `${createHash('sha256').update(reference).digest('hex')}.json`);
  }
}

export function toPulledImage(r: ImageRecord): PulledImage {
  return {
    reference: r.reference,
    digest: r.digest,
    imageID: `${r.repository}@${r.digest}`,
    config: r.config,
    layers: [...r.diffIds],
    size: r.size,
  };
}

/** The fields of an image config's `config` object a runtime uses, type-checked. */
export function pickImageConfig(raw: Record<string, unknown> | undefined): ImageConfig {
  const c: ImageConfig = {};
  if (!raw) return c;
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);
  const entrypoint = strings(raw.Entrypoint);
  if (entrypoint) c.Entrypoint = entrypoint;
  const cmd = strings(raw.Cmd);
  if (cmd) c.Cmd = cmd;
  const env = strings(raw.Env);
  if (env) c.Env = env;
  if (typeof raw.WorkingDir === 'string' && raw.WorkingDir) c.WorkingDir = raw.WorkingDir;
  if (typeof raw.User === 'string' && raw.User) c.User = raw.User;
  if (typeof raw.StopSignal === 'string' && raw.StopSignal) c.StopSignal = raw.StopSignal;
  if (isObject(raw.ExposedPorts)) c.ExposedPorts = raw.ExposedPorts as Record<string, object>;
  if (isObject(raw.Labels)) c.Labels = raw.Labels as Record<string, string>;
  return c;
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
