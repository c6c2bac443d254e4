import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readlinkSync, rmSync } from 'node:fs';
import { lchown, lstat, lutimes, mkdir, open, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, Unpack, type ReadEntry } from 'tar';
import { isGzip, isZstd } from './manifest.js';

export class LayerError extends Error {
  override name = 'LayerError';
}

const whiteoutPrefix = '.wh.';
const opaqueMarker = '.wh..wh..opq';
const maxSymlinkHops = 255;

/**
 * Applies one layer (a tar, gzip-compressed or not) on top of `rootDir`, as containerd's applier does:
 * OCI whiteouts delete what lower layers left (`.wh.<name>` a path, `.wh..wh..opq` a directory's contents),
 * hard links and symlinks are kept, and nothing is written outside `rootDir`: entries with `..` fail the
 * layer, and paths through symlinks are resolved inside the root (an absolute link means the image's root).
 * When `diffId` is given, the uncompressed bytes must hash to it before anything is changed.
 */
export async function applyLayer(blobPath: string, rootDir: string, diffId?: string): Promise<void> {
  const root = path.resolve(rootDir);
  const scan = await scanLayer(blobPath);
  if (diffId !== undefined && scan.diffId !== diffId) {
    throw new LayerError(`failed to extract layer ${diffId}: mismatched diff id: got ${scan.diffId}`);
  }
  // Whiteouts speak of lower layers only, so they all apply before this layer's own entries land.
  for (const w of scan.whiteouts) await applyWhiteout(root, w);
  await extract(blobPath, root);
}

interface Whiteout {
  dir: string;
  /** The name removed, or undefined for an opaque directory. */
  name?: string;
}

interface LayerScan {
  diffId: string;
  whiteouts: Whiteout[];
}

/**
 * Opens a layer blob as its uncompressed tar stream. `onRaw` sees the uncompressed bytes as they are (the
 * diff id is their hash); the stream returned ends with zero padding to a whole block and an end-of-archive
 * marker, because some tools (umoci among them) end a layer without them, as GNU tar tolerates.
 */
async function openLayer(blobPath: string, onRaw?: (chunk: Buffer) => void): Promise<Readable> {
  const fh = await open(blobPath, 'r');
  const head = Buffer.alloc(4);
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  if (isZstd(head)) throw new LayerError('zstd-compressed layers are not supported');
  const file = createReadStream(blobPath);
  let raw: Readable = file;
  if (isGzip(head)) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    raw = file.pipe(gunzip);
  }
  let count = 0;
  const pad = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      count += chunk.length;
      onRaw?.(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      cb(null, Buffer.alloc(((512 - (count % 512)) % 512) + 1024));
    },
  });
  raw.on('error', (e) => pad.destroy(e));
  return raw.pipe(pad);
}

async function scanLayer(blobPath: string): Promise<LayerScan> {
  const hash = createHash('sha256');
  const src = await openLayer(blobPath, (chunk) => hash.update(chunk));
  const whiteouts: Whiteout[] = [];
  let unsafe: string | undefined;
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      try {
        const rel = cleanPath(entry.path);
        const base = path.posix.basename(rel);
        if (base === opaqueMarker) whiteouts.push({ dir: path.posix.dirname(rel) });
        else if (base.startsWith(whiteoutPrefix)) whiteouts.push({ dir: path.posix.dirname(rel), name: base.slice(whiteoutPrefix.length) });
      } catch (e) {
        unsafe ??= (e as Error).message;
      }
      entry.resume();
    },
  });
  await new Promise<void>((resolve, reject) => {
    src.on('error', reject);
    parser.on('error', reject);
    parser.on('end', () => resolve());
    src.pipe(parser);
  });
  if (unsafe) throw new LayerError(unsafe);
  return { diffId: `sha256:${hash.digest('hex')}`, whiteouts };
}

async function applyWhiteout(root: string, w: Whiteout): Promise<void> {
  const dirRel = resolveInRoot(root, w.dir === '.' ? '' : w.dir);
  const dirAbs = path.join(root, dirRel);
  if (w.name === undefined) {
    let children: string[];
    try {
      children = await readdir(dirAbs);
    } catch {
      return;
    }
    for (const c of children) await rm(path.join(dirAbs, c), { recursive: true, force: true });
    return;
  }
  if (w.name === '' || w.name === '.' || w.name === '..' || w.name.includes('/')) throw new LayerError(`invalid whiteout ${w.dir}/.wh.${w.name}`);
  // rm does not follow a symlink it removes, nor symlinks inside a directory it removes.
  await rm(path.join(dirAbs, w.name), { recursive: true, force: true });
}

interface DeferredSymlink {
  rel: string;
  target: string;
  uid?: number;
  gid?: number;
  mtime?: Date;
}

async function extract(blobPath: string, root: string): Promise<void> {
  const src = await openLayer(blobPath);
  const symlinks: DeferredSymlink[] = [];
  const symlinkTargets = new Map<string, string>();
  const layerDirs = new Set<string>();
  const errors: string[] = [];
  const unpack = new Unpack({
    cwd: root,
    // Replace rather than write into what a lower layer left: never through its links.
    unlink: true,
    // Owners as the layer says when we may chown (root); otherwise files belong to whoever unpacks.
    preserveOwner: process.getuid?.() === 0,
    // Modes exactly as the layer says (sticky /tmp included). node-tar skips its chmod after mkdir when
    // the umask it is told cannot have changed the mode, so it is told the widest one.
    chmod: true,
    processUmask: 0o777,
    dmode: 0o755,
    fmode: 0o644,
    maxDepth: 4096,
    filter: (p: string, entry) => {
      const e = entry as ReadEntry;
      try {
        const rel = cleanPath(p);
        if (rel === '') return false;
        if (path.posix.basename(rel).startsWith(whiteoutPrefix)) return false;
        const resolved = resolveInRoot(root, rel, false, layerDirs);
        if (e.type === 'Directory') layerDirs.add(resolved);
        if (e.type === 'SymbolicLink') {
          replaceDirectory(path.join(root, resolved));
          // Created after the layer, by us: node-tar would rewrite absolute targets, which images need.
          symlinks.push({ rel, target: String(e.linkpath ?? ''), uid: e.uid, gid: e.gid, mtime: e.mtime });
          symlinkTargets.set(rel, String(e.linkpath ?? ''));
          return false;
        }
        if (e.type === 'Link') {
          const target = cleanPath(String(e.linkpath ?? ''));
          if (target === '') throw new LayerError(`hard link ${rel} has no target`);
          const resolvedTarget = resolveInRoot(root, target, false, layerDirs);
          // A hard link to a symlink is that symlink again; node-tar refuses to link through one.
          const linkTarget = symlinkTargets.get(target) ?? readSymlink(path.join(root, resolvedTarget));
          if (linkTarget !== undefined) {
            symlinks.push({ rel, target: linkTarget, uid: e.uid, gid: e.gid, mtime: e.mtime });
            return false;
          }
          e.linkpath = resolvedTarget;
        }
        if (e.type !== 'Directory') replaceDirectory(path.join(root, resolved));
        e.path = resolved;
        return true;
      } catch (err) {
        errors.push((err as Error).message);
        return false;
      }
    },
    onwarn: (code: string, message: string) => {
      // Device nodes and FIFOs cannot be made by node-tar; runc creates /dev itself.
      if (code === 'TAR_ENTRY_UNSUPPORTED' || code === 'TAR_ENTRY_INFO') return;
      errors.push(`${code}: ${message}`);
    },
  });
  await new Promise<void>((resolve, reject) => {
    src.on('error', reject);
    unpack.on('error', reject);
    unpack.on('end', () => resolve());
    src.pipe(unpack);
  });
  if (errors.length) throw new LayerError(`failed to extract layer: ${errors[0]}`);
  for (const s of symlinks) await makeSymlink(root, s);
}

async function makeSymlink(root: string, s: DeferredSymlink): Promise<void> {
  const rel = resolveInRoot(root, s.rel, false);
  const abs = path.join(root, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  try {
    const st = await lstat(abs);
    await rm(abs, { recursive: st.isDirectory(), force: true });
  } catch {
    // Nothing there yet.
  }
  await symlink(s.target, abs);
  if (s.uid !== undefined && s.gid !== undefined && process.getuid?.() === 0) await lchown(abs, s.uid, s.gid);
  if (s.mtime) await lutimes(abs, s.mtime, s.mtime).catch(() => undefined);
}

/** A lower layer's directory where this layer puts a file or link goes first, as containerd replaces it. */
function replaceDirectory(abs: string): void {
  try {
    if (lstatSync(abs).isDirectory()) rmSync(abs, { recursive: true, force: true });
  } catch {
    // Nothing there.
  }
}

function readSymlink(p: string): string | undefined {
  try {
    return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A tar entry's path relative to the image root: leading `/` and `.` parts dropped. `..` is refused outright
 * (kept images never need it, and it is how archives escape).
 */
export function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new LayerError(`path "${p}" escapes the image root`);
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * Resolves `rel` inside `root` as the container will see it: symlinked directories are followed, an
 * absolute link target starts again at `root`, and `..` stops at `root`. The last component is followed
 * only when `followLast` says so. Returns a path relative to `root` free of existing symlinks.
 */
export function resolveInRoot(root: string, rel: string, followLast = true, layerDirs?: Set<string>): string {
  const pending = rel.split('/').filter((p) => p !== '' && p !== '.');
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const isLast = pending.length === 0;
    const abs = path.join(root, ...resolved, part);
    let isLink = false;
    // A directory this layer declares replaces whatever a lower layer left there, even before it lands.
    if (!layerDirs?.has([...resolved, part].join('/'))) {
      try {
        isLink = lstatSync(abs).isSymbolicLink();
      } catch {
        isLink = false;
      }
    }
    if (!isLink || (isLast && !followLast)) {
      resolved.push(part);
      continue;
    }
    if (++hops > maxSymlinkHops) throw new LayerError(`too many levels of symbolic links resolving "${rel}"`);
    const target = readlinkSync(abs);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return resolved.join('/');
}
