import { isConflict } from '../../api/index.js';
import type { ReconcileResult } from '../../client/index.js';

/** How soon a reconcile that lost a write race looks again: by then the cache usually holds the winner. */
export const conflictRetryMs = 50;

/**
 * Runs a reconcile, turning a conflict (a write based on a cache that was behind) into a quiet, quick
 * requeue instead of a logged failure with backoff: stale caches are normal, not errors.
 */
export async function retryConflicts(fn: () => Promise<ReconcileResult | void>): Promise<ReconcileResult | void> {
  try {
    return await fn();
  } catch (e) {
    if (isConflict(e)) return { requeueAfterMs: conflictRetryMs };
    throw e;
  }
}
