import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, EventRecorder, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../client/index.js';
import { splitKey } from '../../client/index.js';
import { isControlledBy } from '../workload-internal/owner-ref.js';
import type { PendingWrites } from '../workload-internal/pending-writes.js';
import { isPodAvailable, isPodRunningAndReady, isPodTerminal, msUntilAvailable } from '../workload-internal/pod-state.js';
import { type ControllerHistory, templateOfRevision, templatePatch } from '../workload-internal/controller-history.js';
import { claimsFor, ordinalOf, revisionLabel, setSpec, startOrdinal, statefulPod, templateFromPod } from './stateful-pod.js';

export interface StatefulSetReconcilerDeps {
  client: ApiClient;
  recorder: EventRecorder;
  sets: Informer;
  pods: Informer;
  claims: Informer;
  podsResource: ResourceDescriptor;
  claimsResource: ResourceDescriptor;
  setsResource: ResourceDescriptor;
  pendingPods: PendingWrites;
  history: ControllerHistory;
  now?: () => number;
}

interface Progress {
  /** Set when the reconcile must wait for a pod to become ready or go away before doing more. */
  waiting: boolean;
  requeueAfterMs?: number;
}

/**
 * Brings a StatefulSet's pods to `spec.replicas` pods named `<set>-<ordinal>`. OrderedReady creates
 * one pod at a time in ordinal order, each only once the previous one is Running and Ready (and
 * available for minReadySeconds), and removes pods from the highest ordinal down; Parallel does all at
 * once. RollingUpdate replaces pods from the highest ordinal down to the partition, one at a time,
 * waiting for each to be ready; OnDelete only uses the new template for pods someone else deleted.
 *
 * Each distinct template is a ControllerRevision named `<set>-<hash>`; pods carry that name in
 * `controller-revision-hash`, status names the current and update revisions, and history beyond
 * `revisionHistoryLimit` is pruned (never a revision a pod still runs).
 */
export class StatefulSetReconciler implements Reconciler {
  private readonly now: () => number;

  constructor(private readonly d: StatefulSetReconcilerDeps) {
    this.now = d.now ?? Date.now;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const set = this.d.sets.store.get(key);
    if (!set || set.metadata.deletionTimestamp) return;
    const { namespace } = splitKey(key);
    const spec = setSpec(set);
    const pods = this.d.pendingPods
      .overlay(this.d.pods.store.byIndex('namespace', namespace ?? ''), (p) => isControlledBy(p, set))
      .filter((p) => isControlledBy(p, set));

    const status = (set.status ?? {}) as Record<string, unknown>;
    const ensured = await this.d.history.ensure(
      set,
      templatePatch(spec.template),
      spec.template?.metadata?.labels ?? {},
      typeof status.collisionCount === 'number' ? status.collisionCount : 0,
    );
    const updateRevision = ensured.revision.metadata.name ?? '';
    let currentRevision = typeof status.currentRevision === 'string' && status.currentRevision ? status.currentRevision : updateRevision;

    const replicas = spec.replicas ?? 1;
    const start = startOrdinal(set);
    const slots: (KubeObject | undefined)[] = new Array(replicas).fill(undefined);
    const condemned: KubeObject[] = [];
    for (const pod of pods) {
      const ord = ordinalOf(set, pod);
      if (ord !== undefined && ord >= start && ord < start + replicas) slots[ord - start] = pod;
      else condemned.push(pod);
    }
    condemned.sort((a, b) => (ordinalOf(set, b) ?? -1) - (ordinalOf(set, a) ?? -1));

    const progress = await this.syncPods(set, slots, condemned, currentRevision, updateRevision);

    // Recount from what is now known, including the pods just created or deleted.
    const live = this.d.pendingPods
      .overlay(this.d.pods.store.byIndex('namespace', namespace ?? ''), (p) => isControlledBy(p, set))
      .filter((p) => isControlledBy(p, set) && !this.d.pendingPods.isDeleting(p));
    const counts = this.count(set, live, currentRevision, updateRevision);
    const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    // A rolling update is complete once every replica runs the update revision and is ready.
    if (counts.updatedReplicas === counts.replicas && counts.readyReplicas === counts.replicas && counts.replicas === replicas && (rolling || counts.currentReplicas === 0)) {
      currentRevision = updateRevision;
      counts.currentReplicas = counts.updatedReplicas;
    }
    await this.writeStatus(set, { ...counts, currentRevision, updateRevision, collisionCount: ensured.collisionCount });
    await this.deleteScaledClaims(set, live);
    const inUse = new Set([currentRevision, updateRevision, ...live.map((p) => p.metadata.labels?.[revisionLabel] ?? '')]);
    await this.d.history.truncate(set, inUse, spec.revisionHistoryLimit ?? 10);

    let requeue = progress.requeueAfterMs;
    for (const p of live) {
      const left = msUntilAvailable(p, spec.minReadySeconds ?? 0, this.now());
      if (left !== undefined) requeue = Math.min(requeue ?? Infinity, left + 50);
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }

  private healthy(set: KubeObject, pod: KubeObject): boolean {
    return isPodRunningAndReady(pod) && !pod.metadata.deletionTimestamp && isPodAvailable(pod, setSpec(set).minReadySeconds ?? 0, this.now());
  }

  private async syncPods(set: KubeObject, slots: (KubeObject | undefined)[], condemned: KubeObject[], currentRevision: string, updateRevision: string): Promise<Progress> {
    const spec = setSpec(set);
    const ordered = (spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const start = startOrdinal(set);
    const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = rolling ? (spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;

    for (let i = 0; i < slots.length; i++) {
      const pod = slots[i];
      const ordinal = start + i;
      if (pod && isPodTerminal(pod) && !pod.metadata.deletionTimestamp) {
        // A finished pod of a set is replaced: delete it now, recreate it on a later pass.
        await this.deletePod(set, pod, 'delete');
        slots[i] = undefined;
        if (ordered) return { waiting: true };
        continue;
      }
      if (!pod) {
        // Below the partition, a rolling update keeps the current revision even for recreated pods.
        const useCurrent = rolling && currentRevision !== updateRevision && ordinal < start + partition;
        const template = useCurrent ? (this.templateOf(set, currentRevision) ?? spec.template) : spec.template;
        const revision = useCurrent && template !== spec.template ? currentRevision : updateRevision;
        await this.createPod(set, ordinal, template ?? {}, revision);
        if (ordered) return { waiting: true };
        continue;
      }
      if (ordered && !this.healthy(set, pod)) return { waiting: true };
    }

    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp || this.d.pendingPods.isDeleting(pod)) {
        if (ordered) return { waiting: true };
        continue;
      }
      // Scale down only while every remaining pod is healthy, one at a time, highest ordinal first.
      if (ordered && slots.some((p) => !p || !this.healthy(set, p))) return { waiting: true };
      await this.deletePod(set, pod, 'delete');
      if (ordered) return { waiting: true };
    }

    if (!rolling) return { waiting: false };
    for (let i = slots.length - 1; i >= partition; i--) {
      const pod = slots[i];
      if (!pod) return { waiting: true };
      if (pod.metadata.labels?.[revisionLabel] !== updateRevision && !pod.metadata.deletionTimestamp && !this.d.pendingPods.isDeleting(pod)) {
        await this.deletePod(set, pod, 'update');
        return { waiting: true };
      }
      if (!this.healthy(set, pod)) return { waiting: true };
    }
    return { waiting: false };
  }

  /** The template of an older revision: from its ControllerRevision, or recovered from a pod still running it. */
  private templateOf(set: KubeObject, revision: string): PodTemplateSpec | undefined {
    const stored = this.d.history.byName(set, revision);
    const known = stored && templateOfRevision(stored);
    if (known) return known;
    const pod = this.d.pods.store
      .byIndex('namespace', set.metadata.namespace ?? '')
      .find((p) => isControlledBy(p, set) && p.metadata.labels?.[revisionLabel] === revision);
    return pod ? templateFromPod(set, pod) : undefined;
  }

  private async createPod(set: KubeObject, ordinal: number, template: PodTemplateSpec, revision: string): Promise<void> {
    // Claims first: a pod must never start without its storage.
    for (const claim of claimsFor(set, ordinal)) {
      const cached = this.d.claims.store.getByName(claim.metadata.namespace, claim.metadata.name ?? '');
      if (cached?.metadata.deletionTimestamp) throw new Error(`PersistentVolumeClaim "${claim.metadata.name}" is being deleted`);
      if (cached) continue;
      try {
        await this.d.client.create(this.d.claimsResource, claim);
        this.d.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        if (!isAlreadyExists(e)) {
          this.d.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} failed error: ${String(e)}`);
          throw e;
        }
      }
    }
    const pod = statefulPod(set, template, ordinal, revision);
    try {
      const created = await this.d.client.create(this.d.podsResource, pod);
      this.d.pendingPods.created(created);
      this.d.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      // An old pod of that name is still terminating: the next pass tries again.
      if (isAlreadyExists(e)) return;
      this.d.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${String(e)}`);
      throw e;
    }
  }

  private async deletePod(set: KubeObject, pod: KubeObject, why: 'delete' | 'update'): Promise<void> {
    if (this.d.pendingPods.isDeleting(pod)) return;
    try {
      await this.d.client.delete(this.d.podsResource, pod.metadata.name ?? '', { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isNotFound(e)) {
        this.d.recorder.event(set, 'Warning', 'FailedDelete', `${why} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${String(e)}`);
        throw e;
      }
    }
    this.d.pendingPods.deleted(pod);
    this.d.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  }

  private count(set: KubeObject, pods: KubeObject[], currentRevision: string, updateRevision: string) {
    const minReady = setSpec(set).minReadySeconds ?? 0;
    const c = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
    for (const p of pods) {
      c.replicas++;
      if (isPodRunningAndReady(p)) {
        c.readyReplicas++;
        if (isPodAvailable(p, minReady, this.now())) c.availableReplicas++;
      }
      if (!p.metadata.deletionTimestamp) {
        const rev = p.metadata.labels?.[revisionLabel];
        if (rev === currentRevision) c.currentReplicas++;
        if (rev === updateRevision) c.updatedReplicas++;
      }
    }
    return c;
  }

  private async writeStatus(set: KubeObject, s: Record<string, number | string>): Promise<void> {
    const old = (set.status ?? {}) as Record<string, unknown>;
    const next: Record<string, unknown> = {
      observedGeneration: set.metadata.generation ?? 0,
      replicas: s.replicas,
      readyReplicas: s.readyReplicas,
      currentReplicas: s.currentReplicas,
      updatedReplicas: s.updatedReplicas,
      currentRevision: s.currentRevision,
      updateRevision: s.updateRevision,
      collisionCount: s.collisionCount,
      availableReplicas: s.availableReplicas,
    };
    const changed = Object.entries(next).some(([k, v]) => old[k] !== v);
    if (!changed) return;
    await this.d.client.updateStatus(this.d.setsResource, { ...set, status: { ...old, ...next } });
  }

  /** With `whenScaled: Delete`, claims of ordinals scaled away go once their pod is gone. */
  private async deleteScaledClaims(set: KubeObject, pods: KubeObject[]): Promise<void> {
    const spec = setSpec(set);
    if (spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const templates = (spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
    if (templates.length === 0) return;
    const start = startOrdinal(set);
    const end = start + (spec.replicas ?? 1);
    const podOrdinals = new Set(pods.map((p) => ordinalOf(set, p)));
    for (const claim of this.d.claims.store.byIndex('namespace', set.metadata.namespace ?? '')) {
      if (claim.metadata.deletionTimestamp) continue;
      const name = claim.metadata.name ?? '';
      for (const t of templates) {
        const prefix = `${t}-${set.metadata.name}-`;
        if (!name.startsWith(prefix)) continue;
        const rest = name.slice(prefix.length);
        if (!/^(0|[1-9]\d*)$/.test(rest)) continue;
        const ord = Number(rest);
        if ((ord >= start && ord < end) || podOrdinals.has(ord)) continue;
        try {
          await this.d.client.delete(this.d.claimsResource, name, { namespace: claim.metadata.namespace, preconditions: { uid: claim.metadata.uid } });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
  }
}
