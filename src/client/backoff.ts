/**
 * Exponential backoff with jitter for reconnect loops: each `next()` doubles the wait up to `maxMs`;
 * `reset()` after a success starts again from `initialMs`.
 */
export class Backoff {
  private current: number;

  constructor(
    private readonly initialMs = 800,
    private readonly maxMs = 30_000,
    /** Each wait is stretched by a random factor in [1, 1 + jitter) so clients do not retry in step. */
    private readonly jitter = 0.5,
  ) {
    if (!(initialMs > 0) || maxMs < initialMs) throw new RangeError('Backoff needs 0 < initialMs <= maxMs');
    this.current = initialMs;
  }

  next(): number {
    const wait = this.current * (1 + Math.random() * this.jitter);
    this.current = Math.min(this.current * 2, this.maxMs);
    return Math.min(wait, this.maxMs);
  }

  reset(): void {
    this.current = this.initialMs;
  }
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
