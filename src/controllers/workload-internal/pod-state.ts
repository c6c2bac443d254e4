import type { KubeObject } from '../../api/index.js';

/** A pod condition as the kubelet writes it. */
export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `status.phase` of a pod, '' when unset. */
export function podPhase(pod: KubeObject): string {
  const phase = record(pod.status).phase;
  return typeof phase === 'string' ? phase : '';
}

export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  const conditions = record(pod.status).conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.map(record).find((c) => c.type === type) as PodCondition | undefined;
}

/** Succeeded or Failed: the pod will never run again. */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Neither finished nor being deleted: the pods controllers count as theirs and running. */
export function isPodActive(pod: KubeObject): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

export function isPodTerminating(pod: KubeObject): boolean {
  return Boolean(pod.metadata.deletionTimestamp) && !isPodTerminal(pod);
}

/** Running with the Ready condition True, as upstream's podutil.IsPodReady (phase is not checked there either). */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

export function isPodRunningAndReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && isPodReady(pod);
}

/**
 * Ready for at least `minReadySeconds` at `nowMs`, measured from the Ready condition's last transition,
 * as upstream's IsPodAvailable.
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/**
 * Milliseconds until a ready pod becomes available, or undefined when it is not ready or already
 * available: controllers requeue after this to report availability on time.
 */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): number | undefined {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True' || minReadySeconds <= 0) return undefined;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  if (Number.isNaN(since)) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

