import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { extract } from 'tar';
import { BlobStore, hexOf } from './blob-store.js';
import type { StoredImage } from './image-records.js';
import { choosePlatform, isGzip, mediaTypes, parseManifest, type Descriptor, type ImageManifest } from './manifest.js';
import { cleanPath } from './layer-unpacker.js';

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export interface ImportedImage {
  image: StoredImage;
  /** The names the archive gives the image (or `name` supplied), not yet normalized. */
  names: string[];
}

/**
 * Reads an OCI image layout tarball (`oci-layout`, `index.json`, `blobs/`) or a docker-archive tarball
 * (`manifest.json` beside config and layer files, as `docker save` writes) and puts every blob of its images
 * into `blobs`, checking digests. Docker archives carry no manifest, so one is written for them.
 */
export async function importArchive(file: string, blobs: BlobStore, name?: string): Promise<ImportedImage[]> {
  const dir = await blobs.tempPath('import');
  await mkdir(dir, { recursive: true });
  try {
    try {
      await extract({ file, cwd: dir, preserveOwner: false });
    } catch (e) {
      throw new ArchiveError(`cannot read archive ${file}: ${(e as Error).message}`);
    }
    if ((await isFile(path.join(dir, 'oci-layout'))) && (await isFile(path.join(dir, 'index.json')))) {
      return await importOciLayout(dir, blobs, name);
    }
    if (await isFile(path.join(dir, 'manifest.json'))) return await importDockerArchive(dir, blobs, name);
    throw new ArchiveError(`${file} is neither an OCI image layout nor a docker-archive tarball`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function importOciLayout(dir: string, blobs: BlobStore, name?: string): Promise<ImportedImage[]> {
  const layoutBlob = async (digest: string): Promise<Buffer> => {
    const bytes = await readFile(path.join(dir, 'blobs', 'sha256', hexOf(digest))).catch(() => {
      throw new ArchiveError(`blob ${digest} is missing from the archive`);
    });
    await blobs.writeBuffer(bytes, digest);
    return bytes;
  };
  const index = parseManifest(await readFile(path.join(dir, 'index.json')));
  if (index.kind !== 'index') throw new ArchiveError('index.json is not an image index');
  const out: ImportedImage[] = [];
  for (const desc of index.index.manifests) {
    const top = parseManifest(await layoutBlob(desc.digest), desc.mediaType);
    let manifestDigest = desc.digest;
    let manifest: ImageManifest;
    const extraBlobs = [desc.digest];
    if (top.kind === 'index') {
      const chosen = choosePlatform(top.index);
      if (!chosen) throw new ArchiveError(`no match for platform in manifest ${desc.digest}: not found`);
      const inner = parseManifest(await layoutBlob(chosen.digest), chosen.mediaType);
      if (inner.kind !== 'manifest') throw new ArchiveError(`manifest ${chosen.digest} is itself an index`);
      manifest = inner.manifest;
      manifestDigest = chosen.digest;
      extraBlobs.push(chosen.digest);
    } else {
      manifest = top.manifest;
    }
    for (const d of [manifest.config, ...manifest.layers]) await ingestFile(blobs, path.join(dir, 'blobs', 'sha256', hexOf(d.digest)), d);
    const names = ociNames(desc, name);
    if (names.length === 0) throw new ArchiveError(`image ${desc.digest} has no name in the archive: give one with --name`);
    out.push({ image: { digest: desc.digest, manifestDigest, manifest, extraBlobs }, names });
  }
  return out;
}

/** containerd's full-name annotation, else the OCI ref name (a full reference, or a tag to put on `name`). */
function ociNames(desc: Descriptor, name?: string): string[] {
  const a = desc.annotations ?? {};
  const full = a['io.containerd.image.name'];
  const refName = a['org.opencontainers.image.ref.name'];
  if (name) return [hasTagOrDigest(name) || !refName || refName.includes('/') ? name : `${name}:${refName}`];
  if (full) return [full];
  if (refName && (refName.includes('/') || refName.includes(':') || refName.includes('@'))) return [refName];
  return [];
}

function hasTagOrDigest(name: string): boolean {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@');
}

interface DockerArchiveEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

async function importDockerArchive(dir: string, blobs: BlobStore, name?: string): Promise<ImportedImage[]> {
  let entries: unknown;
  try {
    entries = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new ArchiveError(`manifest.json: ${(e as Error).message}`);
  }
  if (!Array.isArray(entries)) throw new ArchiveError('manifest.json is not a list of images');
  const out: ImportedImage[] = [];
  for (const raw of entries as DockerArchiveEntry[]) {
    if (typeof raw.Config !== 'string' || !Array.isArray(raw.Layers) || !raw.Layers.every((l) => typeof l === 'string')) {
      throw new ArchiveError('manifest.json entry without Config and Layers');
    }
    const config = await ingestFile(blobs, path.join(dir, cleanPath(raw.Config)), undefined, mediaTypes.ociConfig);
    const layers: Descriptor[] = [];
    for (const l of raw.Layers as string[]) {
      const file = path.join(dir, cleanPath(l));
      const head = await readHead(file);
      layers.push(await ingestFile(blobs, file, undefined, isGzip(head) ? mediaTypes.ociLayerGzip : mediaTypes.ociLayer));
    }
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config, layers };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const digest = await blobs.writeBuffer(manifestBytes);
    const tags = Array.isArray(raw.RepoTags) ? (raw.RepoTags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
    const names = name ? [name] : tags;
    if (names.length === 0) throw new ArchiveError(`image ${config.digest} has no RepoTags in the archive: give one with --name`);
    out.push({ image: { digest, manifestDigest: digest, manifest, extraBlobs: [digest] }, names });
  }
  return out;
}

/** Streams a file into the store; with a descriptor its digest and size must match. */
async function ingestFile(blobs: BlobStore, file: string, desc?: Descriptor, mediaType?: string): Promise<Descriptor> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new ArchiveError(`${desc?.digest ?? path.basename(file)} is missing from the archive`);
  }
  const digest = await blobs.ingest(createReadStream(file), desc?.digest, desc?.size);
  return { mediaType: desc?.mediaType ?? mediaType ?? mediaTypes.ociLayer, digest, size };
}

async function readHead(file: string): Promise<Buffer> {
  const head = Buffer.alloc(4);
  const fh = await open(file, 'r').catch(() => {
    throw new ArchiveError(`${path.basename(file)} is missing from the archive`);
  });
  try {
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

