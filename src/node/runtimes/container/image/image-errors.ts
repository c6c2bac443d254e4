/**
 * Failures a container runtime turns into a container's waiting state. `reason` is the state's reason and
 * `message` its message, worded like kubelet's (with containerd) so users see what they would on any cluster.
 */
export type ImageErrorReason = 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName';

export class ImageError extends Error {
  constructor(
    readonly reason: ImageErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImageError';
  }
}

/** The reference could not be parsed; kubelet says `Failed to apply default image tag ...`. */
export function invalidImageName(image: string, why: string): ImageError {
  return new ImageError('InvalidImageName', `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${why}`);
}

/** `imagePullPolicy: Never` and the image is absent. */
export function imageNeverPull(image: string): ImageError {
  return new ImageError('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
}

/** A pull failed; `detail` says why (`failed to resolve reference ...: not found`). */
export function imagePullFailed(normalized: string, detail: string, cause?: unknown): ImageError {
  return new ImageError('ErrImagePull', `failed to pull and unpack image "${normalized}": ${detail}`, { cause });
}

export function isImageError(e: unknown): e is ImageError {
  return e instanceof ImageError;
}

/** Event messages kubelet records around pulls (reasons: Pulling, Pulled, Failed, BackOff, ErrImageNeverPull). */
export const imageEvents = {
  pulling: (image: string) => `Pulling image "${image}"`,
  /** `ms` the pull itself, `includingWaitingMs` with the wait for other pulls (defaults to `ms`). */
  pulled: (image: string, ms: number, size: number, includingWaitingMs = ms) =>
    `Successfully pulled image "${image}" in ${formatDuration(ms)} (${formatDuration(includingWaitingMs)} including waiting). Image size: ${size} bytes.`,
  alreadyPresent: (image: string) => `Container image "${image}" already present on machine`,
  failed: (image: string, message: string) => `Failed to pull image "${image}": ${message}`,
  backOff: (image: string) => `Back-off pulling image "${image}"`,
};

/** Go's time.Duration printing for the spans a pull takes (`812ms`, `1.5s`, `2m3.2s`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${trim(s - m * 60)}s`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(3)));
}
