/**
 * Polling `last_operation` until an asynchronous operation ends. Controllers that poll across
 * reconciles use `maximumPollingDurationMs` and `pollingExpired` to stop on time; scripts and the CLI
 * can use `pollUntilDone`, which loops with Retry-After and a bounded interval.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { needsOrphanMitigation } from './orphan-mitigation.js';
import type { BindingOperation, Catalog, InstanceOperation, LastOperationResult, OsbFailure, Plan, Service } from './types.js';

/** The service and plan with these ids, if the catalog has them. */
export function findPlan(catalog: Catalog, serviceId: string, planId: string): { service: Service; plan: Plan } | undefined {
  const service = catalog.services.find((s) => s.id === serviceId);
  const plan = service?.plans.find((p) => p.id === planId);
  return service && plan ? { service, plan } : undefined;
}

/** The plan's `maximum_polling_duration` in milliseconds; undefined when the broker sets none. */
export function maximumPollingDurationMs(plan: Plan | undefined): number | undefined {
  const seconds = plan?.maximum_polling_duration;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The failure the spec calls for when polling outlasts the maximum polling duration: the operation
 * "MUST be considered failed", so it mitigates orphans exactly as a `"state": "failed"` would.
 */
export function pollingExpired(operation: InstanceOperation | BindingOperation, maxDurationMs: number, requestIdentity = ''): OsbFailure & { reason: 'operationFailed' } {
  const endpoint = operation === 'bind' || operation === 'unbind' ? 'lastBindingOperation' : 'lastOperation';
  return {
    kind: 'failed',
    reason: 'operationFailed',
    description: `The broker did not finish the ${operation} within its maximum polling duration of ${Math.round(maxDurationMs / 1000)} s`,
    retryable: true,
    orphanMitigation: needsOrphanMitigation(endpoint, { type: 'operationFailed', operation }),
    ...(operation === 'update' || operation === 'deprovision' ? { instanceUsable: true } : {}),
    ...(operation === 'update' ? { updateRepeatable: true } : {}),
    requestIdentity,
  };
}

export interface PollOptions {
  /** The operation being polled: decides orphan mitigation when the time runs out. */
  operation: InstanceOperation | BindingOperation;
  /** Stop and fail after this long; usually `maximumPollingDurationMs(plan)` or the platform's own limit. */
  maxDurationMs?: number;
  /** Wait between polls when the broker sends no Retry-After. Default 1000 ms. */
  intervalMs?: number;
  /** Longest wait between polls, Retry-After included. Default 60 s. */
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** Sees every answer, including the intermediate ones. */
  onResult?: (result: LastOperationResult) => void;
}

export type FinalOperationResult = Exclude<LastOperationResult, { kind: 'inProgress' } | { kind: 'pollAgain' }>;

/** Calls `poll` until the operation succeeds, fails, is gone, or runs past `maxDurationMs`. */
export async function pollUntilDone(poll: () => Promise<LastOperationResult>, opts: PollOptions): Promise<FinalOperationResult> {
  const started = Date.now();
  const interval = opts.intervalMs ?? 1000;
  const maxInterval = opts.maxIntervalMs ?? 60_000;
  for (;;) {
    const result = await poll();
    opts.onResult?.(result);
    if (result.kind !== 'inProgress' && result.kind !== 'pollAgain') return result;
    const elapsed = Date.now() - started;
    let wait = Math.min(result.retryAfterMs ?? interval, maxInterval);
    if (opts.maxDurationMs !== undefined) {
      const left = opts.maxDurationMs - elapsed;
      if (left <= 0) return pollingExpired(opts.operation, opts.maxDurationMs, result.requestIdentity);
      wait = Math.min(wait, left);
    }
    await sleep(wait, undefined, opts.signal ? { signal: opts.signal } : {});
  }
}
