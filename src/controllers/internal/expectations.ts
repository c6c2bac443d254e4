/** How long expectations hold before a controller stops waiting for events that may never come. */
export const expectationsTimeoutMs = 5 * 60_000;

interface Record {
  adds: number;
  /** Keys of objects we asked to delete and have not yet seen go. */
  deletes: Set<string>;
  timestampMs: number;
}

/**
 * What a controller is still waiting to observe after its own writes, per controller key, as
 * Kubernetes' UIDTrackingControllerExpectations: a reconcile that sees stale caches (pods it created
 * not yet listed) would otherwise create them again. Reconciles that find expectations unsatisfied
 * only update status; events lower the expectations and requeue the key.
 */
export class Expectations {
  private readonly records = new Map<string, Record>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when nothing is outstanding, or when what is outstanding has waited too long. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.adds <= 0 && r.deletes.size === 0) return true;
    return this.now() - r.timestampMs > expectationsTimeoutMs;
  }

  /** Starts waiting for `adds` creations and the deletion of `deleteKeys`, replacing earlier ones. */
  expect(key: string, adds: number, deleteKeys: Iterable<string> = []): void {
    this.records.set(key, { adds, deletes: new Set(deleteKeys), timestampMs: this.now() });
  }

  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r && r.adds > 0) r.adds--;
  }

  /** A creation that was never sent (a failed or skipped call) is no longer awaited. */
  lowerCreations(key: string, n: number): void {
    const r = this.records.get(key);
    if (r) r.adds = Math.max(0, r.adds - n);
  }

  deletionObserved(key: string, objectKey: string): void {
    this.records.get(key)?.deletes.delete(objectKey);
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}

/**
 * Runs `fn` `count` times in batches of growing size (1, 2, 4, ...), stopping after the first batch
 * with a failure, so a controller that cannot create pods (quota, admission) fails after one call
 * instead of hundreds. Resolves the number of successful calls and the first error.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
