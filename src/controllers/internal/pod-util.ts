import type { Pod } from './types.js';
import { timeMs } from './types.js';

/** Not finished and not being deleted: the pods a workload counts toward its replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Succeeded or Failed: the pod will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became ready; undefined when it is not ready. */
export function podReadyTimeMs(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  return c?.status === 'True' ? timeMs(c.lastTransitionTime) : undefined;
}

/**
 * Ready for at least `minReadySeconds` at `nowMs`, as Kubernetes' IsPodAvailable: a ready pod with no
 * transition time counts as available only when no minimum applies.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadyTimeMs(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod becomes available; undefined if it is not ready or already available. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  if (!isPodReady(pod) || minReadySeconds <= 0) return undefined;
  const since = podReadyTimeMs(pod);
  if (since === undefined) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'];
  if (v === undefined) return 0;
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

/** "a after b, or a is missing": the ordering Kubernetes uses so newer or unknown times go first. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/** floor(log2(ns since t)), -1 when t is not in the past: ready-time buckets for logarithmic scale-down. */
function logRank(tMs: number, nowMs: number): number {
  const ns = (nowMs - tMs) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** A pod with the number of its controller's pods on the same node (more = doubled up, deleted first). */
export interface RankedPod {
  pod: Pod;
  rank: number;
}

/**
 * Orders pods so the ones to delete first come first, as Kubernetes' ActivePodsWithRanks: unassigned
 * before assigned; Pending, Unknown, then Running; not ready before ready; lower deletion cost; more
 * pods on the same node; ready for less time (in logarithmic buckets); more restarts; newer.
 */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs: number): number {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if ((na === '') !== (nb === '')) return na === '' ? -1 : 1;
  const ra = phaseRank[pa.status?.phase ?? 'Pending'] ?? 0;
  const rb = phaseRank[pb.status?.phase ?? 'Pending'] ?? 0;
  if (ra !== rb) return ra - rb;
  const readyA = isPodReady(pa);
  const readyB = isPodReady(pb);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca - cb;
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (readyA && readyB) {
    const ta = podReadyTimeMs(pa);
    const tb = podReadyTimeMs(pb);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return afterOrZero(ta, tb) ? -1 : 1;
      const diff = logRank(ta, nowMs) - logRank(tb, nowMs);
      if (diff !== 0) return diff;
      const ua = pa.metadata.uid ?? '';
      const ub = pb.metadata.uid ?? '';
      if (ua !== ub) return ua < ub ? -1 : 1;
    }
  }
  const rsa = maxRestarts(pa);
  const rsb = maxRestarts(pb);
  if (rsa !== rsb) return rsb - rsa;
  const cta = timeMs(pa.metadata.creationTimestamp);
  const ctb = timeMs(pb.metadata.creationTimestamp);
  if (cta !== ctb) return afterOrZero(cta, ctb) ? -1 : 1;
  return 0;
}
