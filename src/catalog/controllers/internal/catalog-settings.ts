import type { KubeObject } from '../../../api/index.js';
import type { Manager } from '../../../client/index.js';

/** `manager.settings.catalog`: timings of the catalog controllers (tests shorten them). */
export interface CatalogSettings {
  /** First retry after a failure; doubles with each failure in a row. Default 2 s. */
  retryBaseMs?: number;
  /** Longest wait between retries. Default 5 minutes. */
  retryMaxMs?: number;
  /** Wait between `last_operation` polls when the broker sends no Retry-After. Default 5 s. */
  pollIntervalMs?: number;
  /** Longest wait between polls, Retry-After included. Default 5 minutes. */
  maxPollIntervalMs?: number;
  /** How long one broker request may take. Default 60 s. */
  requestTimeoutMs?: number;
  workers?: number;
}

export interface ResolvedCatalogSettings {
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  requestTimeoutMs: number;
  workers: number;
}

export function catalogSettings(manager: Manager): ResolvedCatalogSettings {
  const s = (manager.settings.catalog ?? {}) as CatalogSettings;
  return {
    retryBaseMs: s.retryBaseMs ?? 2000,
    retryMaxMs: s.retryMaxMs ?? 300_000,
    pollIntervalMs: s.pollIntervalMs ?? 5000,
    maxPollIntervalMs: s.maxPollIntervalMs ?? 300_000,
    requestTimeoutMs: s.requestTimeoutMs ?? 60_000,
    workers: s.workers ?? 2,
  };
}

/** The wait before attempt `retries + 1`: exponential from the base, capped. */
export function retryDelayMs(settings: ResolvedCatalogSettings, retries: number): number {
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(Math.max(retries - 1, 0), 30));
}

/** The wait before the next poll: the broker's Retry-After when it sent one, else the interval. */
export function pollDelayMs(settings: ResolvedCatalogSettings, retryAfterMs: number | undefined): number {
  return Math.min(settings.maxPollIntervalMs, retryAfterMs ?? settings.pollIntervalMs);
}

/**
 * The polling limit an expired operation is reported with: the plan's maximum_polling_duration when
 * known, else the time from the operation's start (whole seconds) to its deadline.
 */
export function pollLimitMs(plan: KubeObject | undefined, startTime: string | undefined, deadline: string): number {
  const seconds = (plan?.spec as { maximumPollingDuration?: number } | undefined)?.maximumPollingDuration;
  if (typeof seconds === 'number') return seconds * 1000;
  return Date.parse(deadline) - Date.parse(startTime ?? deadline);
}
