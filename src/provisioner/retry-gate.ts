import { ExponentialFailureRateLimiter } from '../client/index.js';

/**
 * Per-key exponential backoff the caller can see: after a failure it says when the next attempt is due
 * (so the claim can show it), and until then `wait` tells the reconciler how long to hold off even when
 * an unrelated update wakes the key early.
 */
export class RetryGate {
  private readonly limiter: ExponentialFailureRateLimiter;
  private readonly due = new Map<string, number>();

  constructor(
    baseMs = 1000,
    maxMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new ExponentialFailureRateLimiter(baseMs, maxMs);
  }

  /** Milliseconds until the key may be tried again; 0 when it may be tried now. */
  wait(key: string): number {
    const at = this.due.get(key);
    return at === undefined ? 0 : Math.max(0, at - this.now());
  }

  /** Counts a failure; answers the delay before the next attempt and the time it is due. */
  failed(key: string): { delayMs: number; at: Date } {
    const delayMs = this.limiter.when(key);
    const at = this.now() + delayMs;
    this.due.set(key, at);
    return { delayMs, at: new Date(at) };
  }

  /** Failures so far since the last success. */
  failures(key: string): number {
    return this.limiter.numRequeues(key);
  }

  succeeded(key: string): void {
    this.limiter.forget(key);
    this.due.delete(key);
  }
}
