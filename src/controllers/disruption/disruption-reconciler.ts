import { labelSelectorFromObject, type KubeObject } from '../../api/index.js';
import { objectKey, type ApiClient, type EventRecorder, type Informer, type MapFunc, type ReconcileResult, type Reconciler, type ResourceDescriptor } from '../../client/index.js';
import { retryConflicts } from '../internal/conflicts.js';
import { controllerRefOf, type OwnerReference } from '../internal/controller-ref.js';
import { scaledValue } from '../internal/int-or-percent.js';
import { isPodReady } from '../internal/pod-util.js';
import { ResourceMapper } from '../internal/resource-mapper.js';
import { semanticEqual } from '../internal/semantic-equal.js';
import { timeMs, type Pod } from '../internal/types.js';
import { rfc3339 } from '../../api/rfc3339.js';

/** How long a pod the eviction API let go may stay before it counts as healthy again: 2 minutes, as Kubernetes. */
export const deletionTimeoutMs = 2 * 60_000;

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export type PodDisruptionBudget = KubeObject & {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: unknown };
  status?: PdbStatus;
};

type Scalable = KubeObject & { spec?: { replicas?: number } };

export interface DisruptionInformers {
  pdbs: Informer<PodDisruptionBudget>;
  pods: Informer<Pod>;
  replicaSets?: Informer<Scalable>;
  deployments?: Informer<Scalable>;
  replicationControllers?: Informer<Scalable>;
  statefulSets?: Informer<Scalable>;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Keeps PodDisruptionBudget status as Kubernetes' disruption controller: counts healthy (ready, not
 * being deleted, not recently evicted) pods, derives desiredHealthy from minAvailable or maxUnavailable
 * (percentages against the scale of the pods' controllers), and sets disruptionsAllowed and the
 * DisruptionAllowed condition that the eviction API consults.
 */
export class DisruptionReconciler implements Reconciler {
  private readonly mapper: ResourceMapper;

  constructor(
    private readonly client: ApiClient,
    private readonly informers: DisruptionInformers,
    private readonly resource: ResourceDescriptor,
    private readonly recorder: EventRecorder,
    private readonly now: () => number = Date.now,
  ) {
    this.mapper = new ResourceMapper(client);
  }

  /** A pod maps to every budget in its namespace that selects it. */
  readonly podToBudgets: MapFunc = (pod) =>
    this.informers.pdbs.store
      .byIndex('namespace', pod.metadata.namespace ?? '')
      .filter((pdb) => labelSelectorFromObject(pdb.spec?.selector).matches(pod.metadata.labels))
      .map((pdb) => objectKey(pdb));

  reconcile(key: string): Promise<ReconcileResult | void> {
    return retryConflicts(() => this.sync(key));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const pdb = this.informers.pdbs.store.get(key);
    if (!pdb) return;
    const selector = labelSelectorFromObject(pdb.spec?.selector);
    const pods = this.informers.pods.store.byIndex('namespace', pdb.metadata.namespace ?? '').filter((p) => selector.matches(p.metadata.labels));
    if (pods.length === 0) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let expected: { expectedCount: number; desiredHealthy: number; unmanaged: string[] };
    try {
      expected = await this.expectedPodCount(pdb, pods);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${msg}`);
      await this.failSafe(pdb, msg);
      throw e;
    }
    if (expected.unmanaged.length > 0) {
      this.recorder.event(
        pdb,
        'Normal',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${selector.toString()}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = this.now();
    const { disrupted, recheckMs } = this.disruptedPods(pdb, pods, now);
    let currentHealthy = 0;
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      const t = disrupted[p.metadata.name!];
      if (t !== undefined && (timeMs(t) ?? 0) + deletionTimeoutMs > now) continue;
      if (isPodReady(p)) currentHealthy++;
    }
    await this.updateStatus(pdb, currentHealthy, expected.desiredHealthy, expected.expectedCount, disrupted);
    if (recheckMs !== undefined) return { requeueAfterMs: Math.max(1, recheckMs - now) };
  }

  private async expectedPodCount(pdb: PodDisruptionBudget, pods: Pod[]): Promise<{ expectedCount: number; desiredHealthy: number; unmanaged: string[] }> {
    const spec = pdb.spec ?? {};
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      const { expectedCount, unmanaged } = await this.expectedScale(pods);
      const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
      return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanaged };
    }
    if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
      if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
      const { expectedCount, unmanaged } = await this.expectedScale(pods);
      return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true), unmanaged };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
  }

  /** The sum of the scales of the pods' controllers: the denominator of percentages. */
  private async expectedScale(pods: Pod[]): Promise<{ expectedCount: number; unmanaged: string[] }> {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) {
        unmanaged.push(pod.metadata.name!);
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = await this.controllerScale(ref, pod.metadata.namespace ?? '');
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
      scales.set(found.uid, found.scale);
    }
    let expectedCount = 0;
    for (const n of scales.values()) expectedCount += n;
    return { expectedCount, unmanaged };
  }

  private async controllerScale(ref: OwnerReference, namespace: string): Promise<{ uid: string; scale: number } | undefined> {
    const group = groupOf(ref.apiVersion);
    const inf = this.informers;
    const cached = (informer: Informer<Scalable> | undefined, name: string, uid: string): Scalable | undefined => {
      const obj = informer?.store.getByName(namespace, name);
      return obj && obj.metadata.uid === uid ? obj : undefined;
    };
    if (ref.kind === 'ReplicationController' && group === '') {
      const rc = cached(inf.replicationControllers, ref.name, ref.uid);
      if (rc) return { uid: ref.uid, scale: rc.spec?.replicas ?? 1 };
    }
    if (ref.kind === 'ReplicaSet' && group === 'apps') {
      const rs = cached(inf.replicaSets, ref.name, ref.uid);
      if (rs) {
        const dref = controllerRefOf(rs);
        if (dref?.kind === 'Deployment' && groupOf(dref.apiVersion) === 'apps') {
          const d = cached(inf.deployments, dref.name, dref.uid);
          if (d) return { uid: dref.uid, scale: d.spec?.replicas ?? 1 };
        } else return { uid: ref.uid, scale: rs.spec?.replicas ?? 1 };
      }
    }
    if (ref.kind === 'StatefulSet' && group === 'apps') {
      const ss = cached(inf.statefulSets, ref.name, ref.uid);
      if (ss) return { uid: ref.uid, scale: ss.spec?.replicas ?? 1 };
    }
    // Anything else with a scale subresource (custom workloads).
    const res = await this.mapper.forKind(ref.apiVersion, ref.kind);
    if (!res) return undefined;
    try {
      const scale = await this.client.request<{ metadata?: { uid?: string }; spec?: { replicas?: number } }>('GET', `${res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`}/namespaces/${encodeURIComponent(namespace)}/${res.plural}/${encodeURIComponent(ref.name)}/scale`);
      if (scale.metadata?.uid && scale.metadata.uid !== ref.uid) return undefined;
      return { uid: ref.uid, scale: scale.spec?.replicas ?? 0 };
    } catch {
      return undefined;
    }
  }

  /** Pods the eviction API let go that are still within the deletion timeout, and when the next one expires. */
  private disruptedPods(pdb: PodDisruptionBudget, pods: Pod[], now: number): { disrupted: Record<string, string>; recheckMs?: number } {
    const recorded = pdb.status?.disruptedPods ?? {};
    const disrupted: Record<string, string> = {};
    let recheckMs: number | undefined;
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const t = recorded[pod.metadata.name!];
      if (t === undefined) continue;
      const expires = (timeMs(t) ?? 0) + deletionTimeoutMs;
      if (expires < now) {
        this.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`);
        continue;
      }
      disrupted[pod.metadata.name!] = t;
      if (recheckMs === undefined || expires < recheckMs) recheckMs = expires;
    }
    return { disrupted, recheckMs };
  }

  private async updateStatus(pdb: PodDisruptionBudget, currentHealthy: number, desiredHealthy: number, expectedPods: number, disruptedPods: Record<string, string>): Promise<void> {
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    // No pods expected yet means no disruptions: the first pods may appear before this status catches up.
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const old = pdb.status;
    const generation = pdb.metadata.generation;
    if (
      old &&
      old.currentHealthy === currentHealthy &&
      old.desiredHealthy === desiredHealthy &&
      old.expectedPods === expectedPods &&
      old.disruptionsAllowed === disruptionsAllowed &&
      semanticEqual(old.disruptedPods ?? {}, disruptedPods) &&
      old.observedGeneration === generation &&
      this.conditionUpToDate(pdb)
    ) {
      return;
    }
    const status: PdbStatus = { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, observedGeneration: generation, conditions: (old?.conditions ?? []).map((c) => ({ ...c })) };
    if (Object.keys(disruptedPods).length > 0) status.disruptedPods = disruptedPods;
    setCondition(status, disruptionsAllowed > 0 ? 'True' : 'False', disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods', '', this.now());
    await this.client.updateStatus(this.resource, { ...pdb, status });
  }

  private conditionUpToDate(pdb: PodDisruptionBudget): boolean {
    const s = pdb.status;
    const c = s?.conditions?.find((x) => x.type === 'DisruptionAllowed');
    if (!s || !c) return false;
    if (s.observedGeneration !== pdb.metadata.generation || c.observedGeneration !== s.observedGeneration) return false;
    return (s.disruptionsAllowed > 0) === (c.status === 'True');
  }

  /** When the expected count cannot be worked out, allow no disruptions and say why. */
  private async failSafe(pdb: PodDisruptionBudget, message: string): Promise<void> {
    const status: PdbStatus = { ...(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }), disruptionsAllowed: 0 } as PdbStatus;
    status.conditions = (pdb.status?.conditions ?? []).map((c) => ({ ...c }));
    setCondition(status, 'False', 'SyncFailed', message, this.now());
    await this.client.updateStatus(this.resource, { ...pdb, status });
  }
}

/** metav1 SetStatusCondition for DisruptionAllowed: lastTransitionTime moves only when the status changes. */
function setCondition(status: PdbStatus, value: 'True' | 'False', reason: string, message: string, nowMs: number): void {
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === 'DisruptionAllowed');
  if (!existing) {
    conditions.push({ type: 'DisruptionAllowed', status: value, observedGeneration: status.observedGeneration, lastTransitionTime: rfc3339(nowMs), reason, message });
    return;
  }
  if (existing.status !== value) {
    existing.status = value;
    existing.lastTransitionTime = rfc3339(nowMs);
  }
  existing.reason = reason;
  existing.message = message;
  existing.observedGeneration = status.observedGeneration;
}
