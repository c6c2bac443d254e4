import type { ImageSummary, PulledImage, PullPolicy, RegistryAuth } from './image-types.js';

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
}

export interface EnsureImageOptions {
  pullPolicy: PullPolicy;
  /** Credentials from the pod's imagePullSecrets (see `parseDockerConfigJson`), tried in order. */
  auth?: RegistryAuth[];
  signal?: AbortSignal;
}

export interface RemoveUnusedResult {
  removed: string[];
  freedBytes: number;
}

/**
 * The node's image store, shared by all its pods: pulls from OCI registries into a content-addressed blob
 * store, keeps an unpacked snapshot per image, and copies it into each container's rootfs.
 */
export class ImageService {
  constructor(readonly options: ImageServiceOptions) {}

  /**
   * Makes the image present according to the pull policy and returns it. Throws `ImageError` with reason
   * ErrImagePull, ErrImageNeverPull or InvalidImageName; concurrent calls for one image share one pull.
   */
  async ensureImage(reference: string, opts: EnsureImageOptions): Promise<PulledImage> {
    void reference;
    void opts;
    throw new Error('not implemented yet');
  }

  /** The image present under a reference (tag, digest or imageID), without pulling. */
  async findImage(reference: string): Promise<PulledImage | undefined> {
    void reference;
    throw new Error('not implemented yet');
  }

  /** Fills the fresh directory `targetDir` with a private copy of the image's unpacked filesystem. */
  async prepareRootfs(image: PulledImage, targetDir: string): Promise<void> {
    void image;
    void targetDir;
    throw new Error('not implemented yet');
  }

  /** The images present, for the node's `status.images`, largest first as kubelet sorts them. */
  async listImages(): Promise<ImageSummary[]> {
    throw new Error('not implemented yet');
  }

  /**
   * Image GC: when the disk holding the store is more than `highPercent` used, removes images no
   * container uses (least recently used first) until use falls to `lowPercent`. `inUse` holds the
   * references, digests or imageIDs of images that running or created containers use.
   */
  async removeUnused(inUse: Set<string>, highPercent: number, lowPercent: number): Promise<RemoveUnusedResult> {
    void inUse;
    void highPercent;
    void lowPercent;
    throw new Error('not implemented yet');
  }

  /** Removes one image by reference; its blobs go when no other image shares them. */
  async removeImage(reference: string): Promise<boolean> {
    void reference;
    throw new Error('not implemented yet');
  }

  /**
   * Loads an OCI layout tarball or a docker-archive tarball (`docker save`) into the store and returns
   * the images it held. `name` names an image whose archive gives only a tag or no name.
   */
  async importArchive(file: string, opts: { name?: string } = {}): Promise<PulledImage[]> {
    void file;
    void opts;
    throw new Error('not implemented yet');
  }
}
