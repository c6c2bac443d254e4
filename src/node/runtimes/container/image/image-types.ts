/** The parts of an OCI image config a container runtime needs to build a container from it. */
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

/** An image present in the store, as `ImageService.ensureImage` hands it to the runtime. */
export interface PulledImage {
  /** Normalized reference: `docker.io/library/busybox:latest` (or `...@sha256:<hex>` when pulled by digest). */
  reference: string;
  /** The manifest digest, `sha256:<hex>`. */
  digest: string;
  /** `<repository>@<manifest digest>`, what kubelet reports as a container's imageID. */
  imageID: string;
  config: ImageConfig;
  /** The layers' diff ids (sha256 of the uncompressed tars), base layer first. */
  layers: string[];
  /** Bytes of the manifest's layers and config as stored (compressed), what `crictl images` shows. */
  size: number;
}

/** One image of `ImageService.listImages()`, in the shape of a Node's `status.images[]` entry. */
export interface ImageSummary {
  /** Repo digests first (`docker.io/library/busybox@sha256:...`), then tags (`docker.io/library/busybox:latest`). */
  names: string[];
  sizeBytes: number;
}

/** Credentials for one registry, as found in a `kubernetes.io/dockerconfigjson` Secret. */
export interface RegistryAuth {
  /**
   * The registry host (and port) these credentials are for, normalized: `docker.io` for Docker Hub,
   * `registry.example.com:5000`; may start with `*.` to match subdomains; may carry a path prefix
   * (`registry.example.com/team`) to match only repositories under it.
   */
  registry: string;
  username?: string;
  password?: string;
  /** An OAuth2 refresh token exchanged at the token endpoint (`identitytoken` in a docker config). */
  identityToken?: string;
  /** A bearer token sent as is (`registrytoken` in a docker config). */
  registryToken?: string;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
