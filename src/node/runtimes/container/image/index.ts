/**
 * The container runtime's image store: `ImageService` pulls (OCI distribution, with auth), verifies,
 * stores by digest, unpacks with whiteouts, prepares rootfs directories, lists and garbage-collects images.
 */
export { ImageService, type EnsureImageOptions, type ImageServiceOptions, type RemoveUnusedResult } from './image-service.js';
export { ImageError, imageEvents, imageNeverPull, isImageError, type ImageErrorReason } from './image-errors.js';
export type { ImageConfig, ImageSummary, PulledImage, PullPolicy, RegistryAuth } from './image-types.js';
export { PullBackoff } from './pull-backoff.js';
export { parseDockerConfigJson } from './docker-config.js';
