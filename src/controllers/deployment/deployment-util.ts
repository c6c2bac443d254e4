import type { KubeObject } from '../../api/index.js';
import { scaledValue } from '../internal/int-or-percent.js';
import { semanticEqual } from '../internal/semantic-equal.js';
import { timeMs, type LabelSelectorJson, type PodTemplate, type ReplicaSet, type WorkloadCondition } from '../internal/types.js';
import { rfc3339 } from '../../api/rfc3339.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const podTemplateHashLabel = 'pod-template-hash';

/** Deployment annotations that are not copied to its ReplicaSets. */
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

/** Progressing and Available reasons, as Kubernetes names them. */
export const reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  rsUpdated: 'ReplicaSetUpdated',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorJson;
  template: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: WorkloadCondition[];
  collisionCount?: number;
}

export type Deployment = KubeObject & { spec: DeploymentSpec; status?: DeploymentStatus };

export const replicasOf = (o: { spec?: { replicas?: number } }): number => o.spec?.replicas ?? 1;

/** The revision annotation as a number; 0 when absent or unparsable. */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[revisionAnnotation];
  const n = v === undefined ? 0 : Number(v);
  return Number.isInteger(n) ? n : 0;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** The template without its pod-template-hash label; copies only the labels, not the whole template. */
function withoutHash(t: PodTemplate | undefined): unknown {
  const labels = t?.metadata?.labels;
  if (!t || !labels || !(podTemplateHashLabel in labels)) return t ?? {};
  const { [podTemplateHashLabel]: _hash, ...rest } = labels;
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

/** Templates equal but for the pod-template-hash label (which the Deployment's own template lacks). */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** maxSurge rounded up and maxUnavailable rounded down against `desired`; never both zero. */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicasOf(d)).surge;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas).unavailable, replicas);
}

export const specReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0);
export const statusReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/** Oldest first; ties by name. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = timeMs(a.metadata.creationTimestamp) ?? 0;
  const tb = timeMs(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
}

/** Larger first; among equals, newer first (scaling up) or older first (scaling down). */
export function bySize(newerFirst: boolean): (a: ReplicaSet, b: ReplicaSet) => number {
  return (a, b) => {
    const d = replicasOf(b) - replicasOf(a);
    if (d !== 0) return d;
    return newerFirst ? byCreation(b, a) : byCreation(a, b);
  };
}

export function activeOnly(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

/** The oldest ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Writes the desired and max replicas annotations; true if they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[desiredReplicasAnnotation] !== String(desired)) {
    a[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (a[maxReplicasAnnotation] !== String(max)) {
    a[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

export const desiredReplicasOf = (rs: ReplicaSet): number | undefined => intAnnotation(rs, desiredReplicasAnnotation);
export const maxReplicasOf = (rs: ReplicaSet): number | undefined => intAnnotation(rs, maxReplicasAnnotation);

/**
 * Copies the Deployment's annotations to a new or current ReplicaSet, advances its revision (keeping
 * the old one in the revision history) and, for a new ReplicaSet, sets the replicas annotations.
 * Returns true when anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, maxHistoryChars = 2000): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[revisionAnnotation];
  const oldNum = oldRevision === undefined ? 0 : Number(oldRevision);
  if (oldRevision !== undefined && !Number.isInteger(oldNum)) return changed;
  if (oldNum < newRevision) {
    a[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined && oldRevision !== '') {
      const history = a[revisionHistoryAnnotation] ? a[revisionHistoryAnnotation].split(',') : [];
      history.push(oldRevision);
      while (history.join(',').length > maxHistoryChars && history.length > 1) history.shift();
      a[revisionHistoryAnnotation] = history.join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

export function getCondition(status: DeploymentStatus | undefined, type: string): WorkloadCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: WorkloadCondition['status'], reason: string, message: string, nowMs: number): WorkloadCondition {
  const t = rfc3339(nowMs);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Sets a condition, keeping lastTransitionTime while the status stays, and doing nothing if status and reason are unchanged. */
export function setCondition(status: DeploymentStatus, cond: WorkloadCondition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== 2147483647;
}

/** Every replica updated and available, and the current generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** More updated, ready or available replicas, or fewer old ones, than the last status said. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** No progress reported for progressDeadlineSeconds since the Progressing condition last changed. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c) return false;
  if (c.reason === reasons.newRSAvailable) return false;
  if (c.reason === reasons.timedOut) return true;
  const from = timeMs(c.lastUpdateTime);
  return from !== undefined && from + d.spec.progressDeadlineSeconds! * 1000 < nowMs;
}

/** The status the ReplicaSets imply, with the Available condition; other conditions are carried over. */
export function calculateStatus(d: Deployment, all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const available = availableReplicas(all);
  const total = specReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: statusReplicas(all),
    updatedReplicas: statusReplicas([newRS]),
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', reasons.minAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', reasons.minUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** How many replicas the new ReplicaSet may have now: up to the surge limit for rolling updates, all at once for Recreate. */
export function newRSNewReplicas(d: Deployment, all: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = specReplicas(all);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + up;
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** This ReplicaSet's share of a proportional scale, bounded by what is left to add or remove. */
export function proportion(d: Deployment, rs: ReplicaSet, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicasOf(d) === 0) fraction = -replicasOf(rs);
  else {
    const deploymentReplicas = replicasOf(d) + maxSurge(d);
    const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
    fraction = annotated === 0 ? 0 : roundHalfAway((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The new ReplicaSet has all the Deployment's replicas, available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return desiredReplicasOf(rs) === want && replicasOf(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several are active. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort(byCreation).reverse();
  const active = activeOnly([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}
