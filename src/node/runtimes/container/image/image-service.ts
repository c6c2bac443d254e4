import { lstat, mkdir, readdir, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { BlobStore } from './blob-store.js';
import { imageNeverPull, imagePullFailed, invalidImageName, ImageError } from './image-errors.js';
import { ImageRecords, pickImageConfig, toPulledImage, type ImageRecord, type StoredImage } from './image-records.js';
import type { ImageSummary, PulledImage, PullPolicy, RegistryAuth } from './image-types.js';
import { LayerError } from './layer-unpacker.js';
import type { Descriptor, ImageConfigBlob } from './manifest.js';
import { formatReference, parseReference, repositoryName, type ImageReference } from './reference.js';
import { RegistryClient, RegistryError } from './registry-client.js';
import { SnapshotStore } from './snapshot-store.js';
import { importArchive as importArchiveInto } from './archive-import.js';

export interface ImageServiceOptions {
  /** `<data dir>/images`: blobs, image records and unpacked snapshots live under it. */
  root: string;
  /**
   * Registries spoken to over plain HTTP (`host:port`). Loopback registries (127.0.0.0/8, ::1, localhost)
   * always are; every other registry is HTTPS with verified certificates.
   */
  insecureRegistries?: string[];
  /** Disk use of the filesystem holding `root`, for image GC; defaults to statfs. Tests substitute it. */
  diskUsage?: () => Promise<{ capacityBytes: number; availableBytes: number }>;
  /**
   * Image GC leaves an image alone until this long after its last use (kubelet's
   * `imageMinimumGCAge`, 2 minutes), so one pulled for a container still being created stays.
   */
  minimumGCAgeMs?: number;
}

export interface EnsureImageOptions {
  pullPolicy: PullPolicy;
  /** Credentials from the pod's imagePullSecrets (see `parseDockerConfigJson`), tried in order. */
  auth?: RegistryAuth[];
  signal?: AbortSignal;
  /**
   * Called when the image will be fetched from its registry (always for `Always`, for `IfNotPresent` only
   * when absent), so the caller can record kubelet's Pulling event, or else "already present on machine".
   */
  onPull?: () => void;
}

export interface RemoveUnusedResult {
  /** The names of the images removed. */
  removed: string[];
  freedBytes: number;
}

/**
 * Blobs and snapshots of pulls in flight, per store root, which garbage collection must not take before they
 * are named. Module-wide so that several services over one root in one process (nodes of `wharf up`) agree.
 */
const pinnedByRoot = new Map<string, Map<string, number>>();

/**
 * The node's image store, shared by all its pods: pulls from OCI registries into a content-addressed blob
 * store, keeps an unpacked snapshot per image, and copies it into each container's rootfs.
 */
export class ImageService {
  private readonly blobs: BlobStore;
  private readonly records: ImageRecords;
  private readonly snapshots: SnapshotStore;
  private readonly pulls = new Map<string, Promise<PulledImage>>();

  constructor(readonly options: ImageServiceOptions) {
    this.blobs = new BlobStore(options.root);
    this.records = new ImageRecords(options.root);
    this.snapshots = new SnapshotStore(options.root, this.blobs);
  }

  /**
   * Makes the image present according to the pull policy and returns it. Throws `ImageError` with reason
   * ErrImagePull, ErrImageNeverPull or InvalidImageName; concurrent calls for one image share one pull.
   */
  async ensureImage(reference: string, opts: EnsureImageOptions): Promise<PulledImage> {
    const ref = parseOrThrow(reference);
    if (opts.pullPolicy !== 'Always') {
      const present = await this.lookup(ref);
      if (present) {
        await this.touch(present);
        return toPulledImage(present);
      }
      if (opts.pullPolicy === 'Never') throw imageNeverPull(reference);
    }
    opts.onPull?.();
    // Pods with other pull secrets do not wait on (or inherit the failure of) each other's pulls.
    const key = `${formatReference(ref)}|${JSON.stringify(opts.auth ?? [])}`;
    let pull = this.pulls.get(key);
    if (!pull) {
      // A shared pull outlives the pod that started it: another may be waiting for it.
      pull = this.pull(ref, opts.auth).finally(() => this.pulls.delete(key));
      this.pulls.set(key, pull);
    }
    return opts.signal ? untilAborted(pull, opts.signal) : pull;
  }

  /** The image present under a reference (tag, digest or imageID), without pulling. */
  async findImage(reference: string): Promise<PulledImage | undefined> {
    let ref: ImageReference;
    try {
      ref = parseReference(reference);
    } catch {
      return undefined;
    }
    const r = await this.lookup(ref);
    return r && toPulledImage(r);
  }

  /** Fills the fresh directory `targetDir` with a private copy of the image's unpacked filesystem. */
  async prepareRootfs(image: PulledImage, targetDir: string): Promise<void> {
    const record = (await this.records.get(image.reference)) ?? (await this.byDigest(image.digest));
    if (!record) throw new ImageError('ErrImagePull', `image "${image.reference}" is no longer present`);
    await this.snapshots.ensure(record.configDigest, record.layers, record.diffIds);
    await this.snapshots.copyTo(record.configDigest, targetDir);
    await this.touch(record);
  }

  /** The images present, for the node's `status.images`, largest first as kubelet sorts them. */
  async listImages(): Promise<ImageSummary[]> {
    const groups = groupByDigest(await this.records.all());
    const out: ImageSummary[] = [];
    for (const g of groups.values()) out.push({ names: namesOf(g), sizeBytes: g[0]!.size });
    return out.sort((a, b) => b.sizeBytes - a.sizeBytes);
  }

  /**
   * Image GC: when the disk holding the store is more than `highPercent` used, removes images no
   * container uses (least recently used first) until use falls to `lowPercent`. `inUse` holds the
   * references (as written or normalized), digests or imageIDs of images containers use.
   */
  async removeUnused(inUse: Set<string>, highPercent: number, lowPercent: number): Promise<RemoveUnusedResult> {
    if (!(lowPercent >= 0 && lowPercent <= highPercent && highPercent <= 100)) {
      throw new RangeError(`image GC thresholds must satisfy 0 <= low (${lowPercent}) <= high (${highPercent}) <= 100`);
    }
    const { capacityBytes, availableBytes } = await (this.options.diskUsage ?? (() => diskUsageOf(this.options.root)))();
    const used = capacityBytes - availableBytes;
    const result: RemoveUnusedResult = { removed: [], freedBytes: 0 };
    if (capacityBytes <= 0 || (used * 100) / capacityBytes < highPercent) return result;
    const toFree = used - (capacityBytes * lowPercent) / 100;
    const wanted = normalizeInUse(inUse);
    const youngest = Date.now() - (this.options.minimumGCAgeMs ?? 120_000);
    const groups = [...groupByDigest(await this.records.all()).values()]
      .filter((g) => !g.some((r) => isInUse(r, wanted) || r.lastUsedAt > youngest))
      .sort((a, b) => Math.max(...a.map((r) => r.lastUsedAt)) - Math.max(...b.map((r) => r.lastUsedAt)));
    for (const g of groups) {
      if (result.freedBytes >= toFree) break;
      for (const r of g) await this.records.remove(r.reference);
      result.removed.push(...g.map((r) => r.reference));
      result.freedBytes += await this.collectGarbage();
    }
    return result;
  }

  /** Removes one name; the image's blobs and snapshot go when no other name needs them. */
  async removeImage(reference: string): Promise<boolean> {
    const ref = parseOrThrow(reference);
    const record = await this.lookup(ref);
    if (!record) return false;
    await this.records.remove(record.reference);
    await this.collectGarbage();
    return true;
  }

  /**
   * Loads an OCI layout tarball or a docker-archive tarball (`docker save`) into the store and returns
   * the images it held. `name` names an image whose archive gives only a tag or no name.
   */
  async importArchive(file: string, opts: { name?: string } = {}): Promise<PulledImage[]> {
    const imported = await importArchiveInto(file, this.blobs, opts.name);
    const out: PulledImage[] = [];
    for (const { image, names } of imported) {
      for (const name of names) out.push(await this.record(parseOrThrow(name), image));
    }
    return out;
  }

  private async pull(ref: ImageReference, auth: RegistryAuth[] | undefined): Promise<PulledImage> {
    const name = formatReference(ref);
    const client = new RegistryClient({ insecureRegistries: this.options.insecureRegistries, auth });
    let unpin = () => {};
    try {
      const resolved = await client.resolve(ref);
      const { manifest } = resolved;
      const extraBlobs = [resolved.digest];
      unpin = this.pin([resolved.digest, resolved.manifestDigest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]);
      await this.blobs.writeBuffer(resolved.bytes, resolved.digest);
      if (resolved.manifestDigest !== resolved.digest) {
        await this.blobs.writeBuffer(resolved.manifestBytes, resolved.manifestDigest);
        extraBlobs.push(resolved.manifestDigest);
      }
      await client.fetchBlob(ref, manifest.config, this.blobs);
      // A few layers at once: registries serve them in parallel, and one slow layer should not stall all.
      await eachLimited(manifest.layers, 3, (layer) => client.fetchBlob(ref, layer, this.blobs));
      return await this.record(ref, { digest: resolved.digest, manifestDigest: resolved.manifestDigest, manifest, extraBlobs });
    } catch (e) {
      if (e instanceof ImageError) throw e;
      if (e instanceof RegistryError || e instanceof LayerError) throw imagePullFailed(name, e.message, e);
      throw imagePullFailed(name, (e as Error).message ?? String(e), e);
    } finally {
      unpin();
    }
  }

  private get pinned(): Map<string, number> {
    const root = path.resolve(this.options.root);
    let m = pinnedByRoot.get(root);
    if (!m) pinnedByRoot.set(root, (m = new Map()));
    return m;
  }

  private pin(digests: string[]): () => void {
    for (const d of digests) this.pinned.set(d, (this.pinned.get(d) ?? 0) + 1);
    return () => {
      for (const d of digests) {
        const n = (this.pinned.get(d) ?? 1) - 1;
        if (n <= 0) this.pinned.delete(d);
        else this.pinned.set(d, n);
      }
    };
  }

  /** Records `ref` as naming a stored image, unpacking its snapshot first so a present image is usable. */
  private async record(ref: ImageReference, image: StoredImage): Promise<PulledImage> {
    const name = formatReference(ref);
    const configBlob = await this.readConfig(image.manifest.config);
    const diffIds = configBlob.rootfs?.diff_ids ?? [];
    if (diffIds.length !== image.manifest.layers.length) {
      throw imagePullFailed(name, `image config lists ${diffIds.length} diff ids for ${image.manifest.layers.length} layers`);
    }
    try {
      await this.snapshots.ensure(image.manifest.config.digest, image.manifest.layers, diffIds);
    } catch (e) {
      throw imagePullFailed(name, (e as Error).message, e);
    }
    const now = Date.now();
    const previous = await this.records.get(name);
    const layers: Descriptor[] = image.manifest.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
    const record: ImageRecord = {
      reference: name,
      repository: repositoryName(ref),
      digest: image.digest,
      manifestDigest: image.manifestDigest,
      configDigest: image.manifest.config.digest,
      layers,
      diffIds,
      config: pickImageConfig(configBlob.config),
      size: image.manifest.config.size + layers.reduce((n, l) => n + l.size, 0),
      blobs: [...new Set([...image.extraBlobs, image.manifest.config.digest, ...layers.map((l) => l.digest)])],
      createdAt: previous?.digest === image.digest ? previous.createdAt : now,
      lastUsedAt: now,
    };
    await this.records.put(record);
    // A tag that moved leaves its old image unnamed: its blobs go now rather than at the next GC.
    if (previous && previous.digest !== record.digest) await this.collectGarbage();
    return toPulledImage(record);
  }

  private async readConfig(desc: Descriptor): Promise<ImageConfigBlob> {
    try {
      return JSON.parse((await this.blobs.read(desc.digest)).toString('utf8')) as ImageConfigBlob;
    } catch (e) {
      throw new LayerError(`invalid image config ${desc.digest}: ${(e as Error).message}`);
    }
  }

  /** A record for `ref`: by exact name, or (for a digest) any name of the same repository at that digest. */
  private async lookup(ref: ImageReference): Promise<ImageRecord | undefined> {
    const exact = await this.records.get(formatReference(ref));
    if (exact && (await this.complete(exact))) return exact;
    if (!ref.digest) return undefined;
    const repo = repositoryName(ref);
    for (const r of await this.records.all()) {
      if (r.repository === repo && r.digest === ref.digest && (await this.complete(r))) return r;
    }
    return undefined;
  }

  private async byDigest(digest: string): Promise<ImageRecord | undefined> {
    return (await this.records.all()).find((r) => r.digest === digest);
  }

  /** A record whose blobs a crash or a GC lost does not count as present. */
  private async complete(r: ImageRecord): Promise<boolean> {
    for (const b of [r.configDigest, ...r.layers.map((l) => l.digest)]) if (!(await this.blobs.has(b))) return false;
    return true;
  }

  private async touch(r: ImageRecord): Promise<void> {
    await this.records.touch(r.reference);
  }

  /** Deletes blobs and snapshots no record needs; returns the bytes freed. */
  private async collectGarbage(): Promise<number> {
    const records = await this.records.all();
    const neededBlobs = new Set([...records.flatMap((r) => r.blobs), ...this.pinned.keys()]);
    const neededSnapshots = new Set([...records.map((r) => r.configDigest), ...this.pinned.keys()]);
    let freed = 0;
    for (const digest of await this.snapshots.list()) {
      if (!neededSnapshots.has(digest)) freed += await this.snapshots.remove(digest);
    }
    for (const digest of await this.blobs.list()) {
      if (neededBlobs.has(digest)) continue;
      freed += await this.blobs.size(digest).catch(() => 0);
      await this.blobs.remove(digest);
    }
    // Downloads and snapshots a crash abandoned; an hour is far longer than any pull still running.
    const scratch = path.join(this.options.root, 'tmp');
    for (const name of await readdir(scratch).catch(() => [] as string[])) {
      const p = path.join(scratch, name);
      const st = await lstat(p).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 3_600_000) {
        freed += st.isFile() ? st.size : 0;
        await rm(p, { recursive: true, force: true });
      }
    }
    return freed;
  }
}

function parseOrThrow(reference: string): ImageReference {
  try {
    return parseReference(reference);
  } catch (e) {
    throw invalidImageName(reference, (e as Error).message);
  }
}

function groupByDigest(records: ImageRecord[]): Map<string, ImageRecord[]> {
  const groups = new Map<string, ImageRecord[]>();
  for (const r of records) {
    const g = groups.get(r.digest);
    if (g) g.push(r);
    else groups.set(r.digest, [r]);
  }
  return groups;
}

/** Repo digests first, then tags, each once: the order kubelet reports names in. */
function namesOf(group: ImageRecord[]): string[] {
  const digests = new Set(group.map((r) => `${r.repository}@${r.digest}`));
  const tags = group.map((r) => r.reference).filter((n) => !n.includes('@'));
  return [...digests, ...new Set(tags)];
}

function normalizeInUse(inUse: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const s of inUse) {
    out.add(s);
    try {
      out.add(formatReference(parseReference(s)));
    } catch {
      // A bare digest or something else: matched as given.
    }
  }
  return out;
}

function isInUse(r: ImageRecord, wanted: Set<string>): boolean {
  return (
    wanted.has(r.reference) ||
    wanted.has(r.digest) ||
    wanted.has(r.configDigest) ||
    wanted.has(`${r.repository}@${r.digest}`)
  );
}

async function diskUsageOf(root: string): Promise<{ capacityBytes: number; availableBytes: number }> {
  await mkdir(root, { recursive: true });
  const s = await statfs(root);
  return { capacityBytes: s.blocks * s.bsize, availableBytes: s.bavail * s.bsize };
}

/** The pull's outcome, or the caller's abort first (the pull itself goes on for whoever else waits). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
