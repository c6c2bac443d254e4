/**
 * Caps how many calls of one kind run at once: the scheduler can decide thousands of placements a
 * second, and starting as many HTTP requests at once only queues them in socket buffers.
 */
export class InFlightLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly active = new Set<Promise<unknown>>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`the in-flight limit must be a positive integer, not ${max}`);
  }

  /** Runs `fn` once fewer than `max` calls are running. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.acquire().then(async () => {
      try {
        return await fn();
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
    });
    this.active.add(p);
    const forget = (): void => void this.active.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** Resolves once every call started so far has settled. */
  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active]);
  }

  get size(): number {
    return this.active.size;
  }

  private acquire(): Promise<void> {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.running++;
        resolve();
      });
    });
  }
}
