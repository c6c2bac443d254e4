import { deepEqual, isNotFound, labelSelectorFromObject, LabelSelector, type KubeObject } from '../../api/index.js';
import {
  controllerFor,
  deletedObject,
  objectKey,
  type Informer,
  type Manager,
  type MapFunc,
  type ReconcileResult,
  type Reconciler,
  type ResourceDescriptor,
} from '../../client/index.js';
import { retryConflicts } from './conflicts.js';
import { claimObjects, controllerRefOf, ownerStillCurrent } from './controller-ref.js';
import { Expectations, slowStartBatch } from './expectations.js';
import { byOrphanNamespace, byOwnerUid, claimCandidates, ensureIndex, orphanIndex, ownerUidIndex } from './indexes.js';
import { PodControl } from './pod-control.js';
import { compareForDeletion, isPodActive, isPodAvailable, isPodReady, msUntilAvailable, type RankedPod } from './pod-util.js';
import { type Pod, type ReplicaSet, type ReplicaSetStatus, type WorkloadCondition } from './types.js';
import { rfc3339 } from '../../api/rfc3339.js';

/** Settings read from `manager.settings[<controller name>]`. */
export interface ReplicaManagerSettings {
  /** Most pods created or deleted in one reconcile; 500 as Kubernetes. */
  burstReplicas?: number;
  /** Work-queue workers (`--concurrent-replicaset-syncs`, `--concurrent_rc_syncs`); 5 by default. */
  workers?: number;
}

export interface ReplicaKind {
  /** Controller name (`replicaset`) and event source (`replicaset-controller`). */
  name: string;
  component: string;
  resource: ResourceDescriptor;
  /** The pod selector: a LabelSelector for ReplicaSets, a label map for ReplicationControllers. */
  selectorOf(obj: ReplicaSet): LabelSelector;
}

export function replicaSetSelector(obj: ReplicaSet): LabelSelector {
  return labelSelectorFromObject(obj.spec?.selector);
}

/** A ReplicationController's map selector; an empty or absent one selects nothing. */
export function mapSelector(obj: ReplicaSet): LabelSelector {
  const sel = obj.spec?.selector as Record<string, string> | undefined;
  if (!sel || Object.keys(sel).length === 0) return LabelSelector.nothing;
  return labelSelectorFromObject({ matchLabels: sel });
}

/** Work-queue workers of the ReplicaSet and ReplicationController controllers without `settings.workers`. */
export const replicaManagerWorkers = 5;

/**
 * Keeps `spec.replicas` pods running for ReplicaSets and ReplicationControllers, as Kubernetes'
 * ReplicaSetController: claims pods by selector, creates from the template in slow-start batches,
 * deletes the least valuable pods first, and reports replica counts and the ReplicaFailure condition.
 */
export class ReplicaManager implements Reconciler {
  readonly expectations = new Expectations();
  private readonly pods: ResourceDescriptor;
  private readonly podInformer: Informer<Pod>;
  private readonly ownerInformer: Informer<ReplicaSet>;
  private readonly podControl: PodControl;
  private readonly burst: number;

  constructor(
    private readonly manager: Manager,
    private readonly kind: ReplicaKind,
    settings: ReplicaManagerSettings = {},
  ) {
    this.pods = manager.resource('', 'v1', 'pods');
    this.podInformer = manager.informers.informerFor<Pod>(this.pods);
    this.ownerInformer = manager.informers.informerFor<ReplicaSet>(kind.resource);
    ensureIndex(this.podInformer, ownerUidIndex, byOwnerUid);
    ensureIndex(this.podInformer, orphanIndex, byOrphanNamespace);
    ensureIndex(this.ownerInformer, ownerUidIndex, byOwnerUid);
    this.podControl = new PodControl(manager.client, this.pods, manager.recorder(kind.component));
    this.burst = settings.burstReplicas ?? 500;
    this.podInformer.addEventHandler({
      onAdd: (pod) => {
        const owner = this.ownerKeyOf(pod);
        if (!owner) return;
        if (pod.metadata.deletionTimestamp) this.expectations.deletionObserved(owner, objectKey(pod));
        else this.expectations.creationObserved(owner);
      },
      onUpdate: (old, pod) => {
        const owner = this.ownerKeyOf(pod);
        if (owner && pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.expectations.deletionObserved(owner, objectKey(pod));
      },
      onDelete: (obj) => {
        const pod = deletedObject(obj);
        const owner = this.ownerKeyOf(pod);
        if (owner) this.expectations.deletionObserved(owner, objectKey(pod));
      },
    });
  }

  /** Registers the controller with the manager. */
  static setup(manager: Manager, kind: ReplicaKind): ReplicaManager {
    const settings = (manager.settings[kind.name] ?? {}) as ReplicaManagerSettings;
    const rm = new ReplicaManager(manager, kind, settings);
    const controller = controllerFor(manager.informers, kind.resource)
      .named(kind.component)
      .owns(rm.pods, rm.podToOwners)
      .complete(rm, { workers: settings.workers ?? replicaManagerWorkers, logger: manager.logger });
    manager.add({ name: kind.name, start: (signal) => controller.start(signal) });
    return rm;
  }

  private ownerKeyOf(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== this.kind.resource.kind) return undefined;
    return `${pod.metadata.namespace}/${ref.name}`;
  }

  /** A pod maps to its controller, or, when it has none, to every owner in its namespace that selects it. */
  readonly podToOwners: MapFunc = (pod) => {
    const ref = controllerRefOf(pod);
    if (ref) return ref.kind === this.kind.resource.kind ? [`${pod.metadata.namespace}/${ref.name}`] : [];
    if (pod.metadata.deletionTimestamp) return [];
    return this.ownerInformer.store
      .byIndex('namespace', pod.metadata.namespace ?? '')
      .filter((o) => this.kind.selectorOf(o).matches(pod.metadata.labels))
      .map((o) => objectKey(o));
  };

  reconcile(key: string): Promise<ReconcileResult | void> {
    return retryConflicts(() => this.sync(key));
  }

  private async sync(key: string): Promise<ReconcileResult | void> {
    const rs = this.ownerInformer.store.get(key);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selectorOf(rs);
    const active = claimCandidates(this.podInformer, rs).filter(isPodActive);
    const pods = await claimObjects(active, {
      client: this.manager.client,
      resource: this.pods,
      owner: rs,
      selector,
      canAdopt: ownerStillCurrent(this.manager.client, this.kind.resource, rs),
    });
    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, pods, rs);
      } catch (e) {
        manageError = e;
      }
    }
    const status = this.calculateStatus(rs, pods, manageError);
    await this.updateStatus(rs, status);
    if (manageError) throw manageError;
    const now = Date.now();
    const minReady = rs.spec.minReadySeconds ?? 0;
    let wait: number | undefined;
    for (const p of pods) {
      const left = msUntilAvailable(p, minReady, now);
      if (left !== undefined) wait = Math.min(wait ?? left, left);
    }
    if (wait !== undefined) return { requeueAfterMs: wait + 50 };
  }

  private async manageReplicas(key: string, pods: Pod[], rs: ReplicaSet): Promise<void> {
    const want = rs.spec.replicas ?? 1;
    const diff = pods.length - want;
    if (diff < 0) {
      const count = Math.min(-diff, this.burst);
      const template = rs.spec.template ?? {};
      this.expectations.expect(key, count);
      const { successes, error } = await slowStartBatch(count, 1, async () => {
        await this.podControl.create(template, rs);
      });
      // Pods never created will never be observed.
      this.expectations.lowerCreations(key, count - successes);
      if (error !== undefined) throw error;
    } else if (diff > 0) {
      const count = Math.min(diff, this.burst);
      const victims = this.podsToDelete(pods, rs, count);
      this.expectations.expect(key, 0, victims.map((p) => objectKey(p)));
      const results = await Promise.allSettled(victims.map((p) => this.podControl.delete(p, rs)));
      let error: unknown;
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          this.expectations.deletionObserved(key, objectKey(victims[i]));
          if (!isNotFound(r.reason)) error ??= r.reason;
        }
      });
      if (error !== undefined) throw error;
    }
  }

  /** The pods to delete first: ranked by how many pods of the same workload share their node. */
  private podsToDelete(pods: Pod[], rs: ReplicaSet, count: number): Pod[] {
    if (count >= pods.length) return pods;
    const related = this.relatedPods(rs);
    const perNode = new Map<string, number>();
    for (const p of related) {
      const node = p.spec?.nodeName;
      if (node && isPodActive(p)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    const now = Date.now();
    const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0 }));
    ranked.sort((a, b) => compareForDeletion(a, b, now));
    return ranked.slice(0, count).map((r) => r.pod);
  }

  /** Pods of this owner and of its siblings (the ReplicaSets of the same Deployment). */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const ref = controllerRefOf(rs);
    const owners = ref ? this.ownerInformer.store.byIndex(ownerUidIndex, ref.uid).filter((o) => controllerRefOf(o)?.uid === ref.uid) : [rs];
    return owners.flatMap((o) => this.podInformer.store.byIndex(ownerUidIndex, o.metadata.uid ?? ''));
  }

  private calculateStatus(rs: ReplicaSet, pods: Pod[], manageError: unknown): ReplicaSetStatus {
    const templateLabels = rs.spec.template?.metadata?.labels ?? {};
    const now = Date.now();
    const minReady = rs.spec.minReadySeconds ?? 0;
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of pods) {
      const labels = p.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    const status: ReplicaSetStatus = {
      replicas: pods.length,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation,
    };
    let conditions = [...(rs.status?.conditions ?? [])];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError !== undefined && !failure) {
      const want = rs.spec.replicas ?? 1;
      const cond: WorkloadCondition = {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: rfc3339(now),
        reason: pods.length < want ? 'FailedCreate' : 'FailedDelete',
        message: manageError instanceof Error ? manageError.message : String(manageError),
      };
      conditions.push(cond);
    } else if (manageError === undefined && failure) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    if (conditions.length > 0) status.conditions = conditions;
    return status;
  }

  private async updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<void> {
    const old: Partial<ReplicaSetStatus> = rs.status ?? {};
    const same =
      (old.replicas ?? 0) === status.replicas &&
      (old.fullyLabeledReplicas ?? 0) === status.fullyLabeledReplicas &&
      (old.readyReplicas ?? 0) === status.readyReplicas &&
      (old.availableReplicas ?? 0) === status.availableReplicas &&
      (old.observedGeneration ?? 0) === (status.observedGeneration ?? 0) &&
      deepEqual(old.conditions ?? [], status.conditions ?? []);
    if (same) return;
    // Zero counts are omitted, as Kubernetes serializes them (all but `replicas` are omitempty).
    const written: Record<string, unknown> = { ...status };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) if (!written[k]) delete written[k];
    const next: KubeObject = { ...rs, status: written };
    await this.manager.client.updateStatus(this.kind.resource, next);
  }
}
