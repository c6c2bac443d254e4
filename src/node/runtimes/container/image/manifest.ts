/** OCI and Docker v2 manifest shapes and the choice of one platform from an index. */

export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const manifestAccept = [mediaTypes.ociIndex, mediaTypes.dockerList, mediaTypes.ociManifest, mediaTypes.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
}

/** The parts of an image config blob the store keeps. */
export interface ImageConfigBlob {
  architecture?: string;
  os?: string;
  config?: Record<string, unknown>;
  rootfs?: { type?: string; diff_ids?: string[] };
}

export type ParsedManifest = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest };

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Tells an index from a manifest by media type (header, then body), then checks the fields used. */
export function parseManifest(bytes: Buffer, contentType?: string): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ManifestError('failed to unmarshal manifest: invalid JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw new ManifestError('failed to unmarshal manifest: not an object');
  const m = doc as Record<string, unknown>;
  const type = (typeof m.mediaType === 'string' && m.mediaType) || baseType(contentType);
  if (m.schemaVersion === 1 || type.startsWith('application/vnd.docker.distribution.manifest.v1')) {
    throw new ManifestError('Docker Image Format v1 and Docker Image manifest version 2, schema 1 are not supported');
  }
  const isIndex = type === mediaTypes.ociIndex || type === mediaTypes.dockerList || (!type && Array.isArray(m.manifests));
  if (isIndex) {
    if (!Array.isArray(m.manifests) || !m.manifests.every(isDescriptor)) throw new ManifestError('invalid image index: manifests');
    return { kind: 'index', index: m as unknown as ImageIndex };
  }
  if (type && type !== mediaTypes.ociManifest && type !== mediaTypes.dockerManifest) {
    throw new ManifestError(`unsupported manifest media type ${type}`);
  }
  if (!isDescriptor(m.config) || !Array.isArray(m.layers) || !m.layers.every(isDescriptor)) {
    throw new ManifestError('invalid image manifest: config and layers');
  }
  return { kind: 'manifest', manifest: m as unknown as ImageManifest };
}

function baseType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim();
}

function isDescriptor(v: unknown): v is Descriptor {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return typeof d.digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(d.digest) && typeof d.size === 'number' && d.size >= 0;
}

/** Go's name for this machine's architecture, which images are built for. */
export function hostArchitecture(): string {
  switch (process.arch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return '386';
    case 'ppc64':
      return 'ppc64le';
    default:
      return process.arch;
  }
}

/** The index entry for linux and this machine's architecture (amd64 on the machines Wharf targets). */
export function choosePlatform(index: ImageIndex, architecture = hostArchitecture()): Descriptor | undefined {
  const candidates = index.manifests.filter(
    (d) => d.platform?.os === 'linux' && d.platform.architecture === architecture && d.mediaType !== 'application/vnd.in-toto+json',
  );
  // Attestation manifests (BuildKit) carry an "unknown" platform and are never chosen above.
  return candidates.find((d) => !d.platform?.variant) ?? candidates[0];
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export function isZstd(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528;
}
