import type { Condition, OperationError } from '../../../api/resources/servicecatalog/index.js';
import { rfc3339 } from '../../../api/rfc3339.js';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** What the conditions live in: every catalog status has these. */
export interface ConditionHolder {
  conditions?: Condition[];
  lastConditionState?: string;
  lastError?: OperationError;
  nextRetryTime?: string;
  retries?: number;
}

/**
 * Sets one condition, keeping its lastTransitionTime unless its status changes, and makes it the printed
 * STATUS (`lastConditionState`).
 */
export function setCondition(status: ConditionHolder, type: string, value: ConditionStatus, reason: string, message: string, generation: number | undefined, nowMs = Date.now()): void {
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === type);
  const next: Condition = {
    type,
    status: value,
    lastTransitionTime: existing && existing.status === value ? existing.lastTransitionTime : rfc3339(nowMs),
    reason,
    message,
  };
  if (generation !== undefined) next.observedGeneration = generation;
  if (existing) Object.assign(existing, next);
  else conditions.push(next);
  // As the catalog printed STATUS: the type of a condition that holds, else the reason it does not.
  status.lastConditionState = value === 'True' ? type : reason;
}

export function conditionOf(status: ConditionHolder | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function isTrue(status: ConditionHolder | undefined, type: string): boolean {
  return conditionOf(status, type)?.status === 'True';
}

/** Drops a condition (OrphanMitigation once it is over, Failed once the user changed the spec). */
export function removeCondition(status: ConditionHolder, type: string): void {
  if (status.conditions) status.conditions = status.conditions.filter((c) => c.type !== type);
}

/**
 * A retry or poll time to the millisecond: the controller's own wake-ups compare against it, and a
 * time rounded to the second would let a reconcile that some other change caused poll up to a second early.
 */
export function preciseTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Records a failure with its retry time; returns the wait. */
export function recordFailure(status: ConditionHolder, reason: string, message: string, delayMs: number, nowMs = Date.now()): number {
  status.lastError = { reason, message, time: rfc3339(nowMs) };
  status.retries = (status.retries ?? 0) + 1;
  status.nextRetryTime = preciseTime(nowMs + delayMs);
  return delayMs;
}

/** Clears the failure bookkeeping after a success. */
export function clearFailure(status: ConditionHolder): void {
  delete status.lastError;
  delete status.nextRetryTime;
  delete status.retries;
}

/** Milliseconds until `time` (RFC 3339), 0 when it has passed or is absent. */
export function msUntil(time: string | undefined, nowMs = Date.now()): number {
  if (!time) return 0;
  const t = Date.parse(time);
  return Number.isNaN(t) ? 0 : Math.max(0, t - nowMs);
}

/** The wait as a failure message ends with it: `; retrying in 8 s`. */
export function retryingIn(waitMs: number): string {
  return `; retrying in ${Math.max(1, Math.round(waitMs / 1000))} s`;
}

/** Instances and bindings: conditions plus the generations they were observed and reconciled at. */
export interface OperationStatus extends ConditionHolder {
  observedGeneration?: number;
  reconciledGeneration?: number;
}

/**
 * A failure retried after `waitMs`: lastError and nextRetryTime, Ready False with the wait in its
 * message, and no Failed (retrying at all means an earlier Failed no longer applies).
 */
export function markRetrying(status: OperationStatus, reason: string, message: string, waitMs: number, generation: number, nowMs = Date.now()): void {
  const full = `${message}${retryingIn(waitMs)}`;
  recordFailure(status, reason, full, waitMs, nowMs);
  setCondition(status, 'Ready', 'False', reason, full, generation, nowMs);
  removeCondition(status, 'Failed');
  status.observedGeneration = generation;
}

/** A failure retrying cannot fix: Ready False and Failed True at this generation, no retry time. */
export function markFailed(status: OperationStatus, reason: string, message: string, generation: number, nowMs = Date.now()): void {
  status.lastError = { reason, message, time: rfc3339(nowMs) };
  delete status.nextRetryTime;
  setCondition(status, 'Ready', 'False', reason, message, generation, nowMs);
  setCondition(status, 'Failed', 'True', reason, message, generation, nowMs);
  status.observedGeneration = generation;
  status.reconciledGeneration = generation;
}

/**
 * Sets a condition that informs without deciding the printed STATUS (such as MaintenanceAvailable):
 * `lastConditionState` keeps following Ready.
 */
export function setInformationalCondition(status: ConditionHolder, type: string, value: ConditionStatus, reason: string, message: string, generation: number | undefined, nowMs = Date.now()): void {
  const printed = status.lastConditionState;
  setCondition(status, type, value, reason, message, generation, nowMs);
  if (printed === undefined) delete status.lastConditionState;
  else status.lastConditionState = printed;
}
