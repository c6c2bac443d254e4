import { isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, EventRecorder, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../client/index.js';
import { splitKey } from '../../client/index.js';
import { isControlledBy } from '../workload-internal/owner-ref.js';
import type { PendingWrites } from '../workload-internal/pending-writes.js';
import { isPodAvailable, isPodReady, isPodTerminal, msUntilAvailable, podPhase } from '../workload-internal/pod-state.js';
import { type ControllerHistory, revisionHashLabel, templatePatch } from '../workload-internal/controller-history.js';
import { daemonPod, daemonSetSpec, nodeShouldRun, revisionLabel, scaledValue, targetNode } from './daemon-pod.js';

export interface DaemonSetReconcilerDeps {
  client: ApiClient;
  recorder: EventRecorder;
  daemonSets: Informer;
  pods: Informer;
  nodes: Informer;
  podsResource: ResourceDescriptor;
  daemonSetsResource: ResourceDescriptor;
  pendingPods: PendingWrites;
  history: ControllerHistory;
  now?: () => number;
}

interface NodeState {
  node: KubeObject;
  shouldRun: boolean;
  shouldContinueRunning: boolean;
  /** The set's pods for the node, not counting deleted ones that already finished. */
  pods: KubeObject[];
}

function byAge(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta - tb || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/**
 * Runs one pod of a DaemonSet on every node it is eligible for (nodeSelector, required node affinity,
 * taints against the pod's tolerations plus those every daemon pod gets), removes pods from nodes it
 * may no longer run on, and replaces old pods with maxUnavailable / maxSurge under RollingUpdate.
 * Pods are not bound here: each names its node through node affinity and the scheduler places it.
 * Each distinct template is a ControllerRevision `<set>-<hash>`; pods carry the hash.
 */
export class DaemonSetReconciler implements Reconciler {
  private readonly now: () => number;

  constructor(private readonly d: DaemonSetReconcilerDeps) {
    this.now = d.now ?? Date.now;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const ds = this.d.daemonSets.store.get(key);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const template = daemonSetSpec(ds).template;
    const collisionCount = (ds.status as { collisionCount?: number } | undefined)?.collisionCount ?? 0;
    const ensured = await this.d.history.ensure(ds, templatePatch(template), template?.metadata?.labels ?? {}, collisionCount);
    const hash = ensured.revision.metadata.labels?.[revisionHashLabel] ?? '';

    let states = this.nodeStates(ds, key);
    const wrote = await this.manage(ds, states, hash);
    if (!wrote && (daemonSetSpec(ds).updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') await this.rollingUpdate(ds, states, hash);

    states = this.nodeStates(ds, key);
    await this.writeStatus(ds, states, hash, ensured.collisionCount);
    const inUse = new Set([ensured.revision.metadata.name ?? '']);
    const liveHashes = new Set(states.flatMap((s) => s.pods.map((p) => p.metadata.labels?.[revisionLabel])));
    for (const r of this.d.history.revisionsOf(ds)) {
      if (liveHashes.has(r.metadata.labels?.[revisionHashLabel])) inUse.add(r.metadata.name ?? '');
    }
    await this.d.history.truncate(ds, inUse, daemonSetSpec(ds).revisionHistoryLimit ?? 10);
    const minReady = daemonSetSpec(ds).minReadySeconds ?? 0;
    let requeue: number | undefined;
    for (const s of states) {
      for (const p of s.pods) {
        const left = msUntilAvailable(p, minReady, this.now());
        if (left !== undefined) requeue = Math.min(requeue ?? Infinity, left + 50);
      }
    }
    return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
  }

  private nodeStates(ds: KubeObject, key: string): NodeState[] {
    const { namespace } = splitKey(key);
    const pods = this.d.pendingPods
      .overlay(this.d.pods.store.byIndex('namespace', namespace ?? ''), (p) => isControlledBy(p, ds))
      .filter((p) => isControlledBy(p, ds) && !this.d.pendingPods.isDeleting(p) && !(p.metadata.deletionTimestamp && isPodTerminal(p)));
    const byNode = new Map<string, KubeObject[]>();
    for (const p of pods) {
      const node = targetNode(p) ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    const nodes = this.d.nodes.store.list().sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    const states: NodeState[] = nodes.map((node) => ({ node, ...nodeShouldRun(ds, node), pods: (byNode.get(node.metadata.name ?? '') ?? []).sort(byAge) }));
    // Pods for nodes that no longer exist get a state that keeps nothing.
    const known = new Set(nodes.map((n) => n.metadata.name ?? ''));
    for (const [node, ps] of byNode) {
      if (!known.has(node)) states.push({ node: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } }, shouldRun: false, shouldContinueRunning: false, pods: ps });
    }
    return states;
  }

  /** Creates missing pods and deletes failed, duplicate and misplaced ones; true when it wrote anything. */
  private async manage(ds: KubeObject, states: NodeState[], hash: string): Promise<boolean> {
    const surging = (daemonSetSpec(ds).updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && this.maxSurge(ds, states) > 0;
    const toCreate: string[] = [];
    const toDelete: KubeObject[] = [];
    for (const s of states) {
      const live = s.pods.filter((p) => !p.metadata.deletionTimestamp);
      if (!s.shouldContinueRunning) {
        toDelete.push(...live);
        continue;
      }
      if (!s.shouldRun && s.pods.length === 0) continue;
      const failed = live.filter((p) => podPhase(p) === 'Failed');
      toDelete.push(...failed);
      const running = live.filter((p) => podPhase(p) !== 'Failed');
      if (s.shouldRun && running.length === 0 && s.pods.every((p) => !p.metadata.deletionTimestamp || podPhase(p) === 'Failed')) {
        toCreate.push(s.node.metadata.name ?? '');
        continue;
      }
      if (running.length > 1) {
        // Keep the oldest pod; while surging, the oldest of each revision.
        const keep = new Set<KubeObject>();
        if (surging) {
          const updated = running.find((p) => p.metadata.labels?.[revisionLabel] === hash);
          const old = running.find((p) => p.metadata.labels?.[revisionLabel] !== hash);
          if (updated) keep.add(updated);
          if (old) keep.add(old);
        } else keep.add(running[0]);
        toDelete.push(...running.filter((p) => !keep.has(p)));
      }
    }
    await this.sync(ds, toCreate, toDelete, hash);
    return toCreate.length + toDelete.length > 0;
  }

  private maxSurge(ds: KubeObject, states: NodeState[]): number {
    const desired = states.filter((s) => s.shouldRun).length;
    return scaledValue(daemonSetSpec(ds).updateStrategy?.rollingUpdate?.maxSurge as number | string | undefined, desired, 0);
  }

  private async rollingUpdate(ds: KubeObject, states: NodeState[], hash: string): Promise<void> {
    const minReady = daemonSetSpec(ds).minReadySeconds ?? 0;
    const now = this.now();
    const available = (p: KubeObject) => isPodAvailable(p, minReady, now);
    const desired = states.filter((s) => s.shouldRun).length;
    const ru = daemonSetSpec(ds).updateStrategy?.rollingUpdate;
    const maxSurge = this.maxSurge(ds, states);
    let maxUnavailable = scaledValue(ru?.maxUnavailable as number | string | undefined, desired, 1);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

    const toDelete: KubeObject[] = [];
    const toCreate: string[] = [];
    if (maxSurge === 0) {
      let unavailable = 0;
      const candidates: KubeObject[] = [];
      for (const s of states) {
        if (!s.shouldRun) continue;
        const { newPod, oldPod, ok } = this.split(s.pods, hash);
        if (!ok || (!newPod && !oldPod) || (newPod && oldPod)) {
          unavailable++;
          continue;
        }
        if (newPod) {
          if (!available(newPod)) unavailable++;
          continue;
        }
        if (oldPod!.metadata.deletionTimestamp) unavailable++;
        else if (!available(oldPod!)) toDelete.push(oldPod!);
        else candidates.push(oldPod!);
      }
      const room = Math.max(0, Math.min(candidates.length, maxUnavailable - unavailable));
      toDelete.push(...candidates.slice(0, room));
    } else {
      let surged = 0;
      const candidates: string[] = [];
      for (const s of states) {
        if (!s.shouldRun) continue;
        const { newPod, oldPod, ok } = this.split(s.pods, hash);
        if (!ok) {
          surged++;
          continue;
        }
        if (!oldPod) continue;
        if (!newPod) {
          // An unavailable old pod is replaced at once; available ones wait for surge room.
          if (!available(oldPod)) toCreate.push(s.node.metadata.name ?? '');
          else candidates.push(s.node.metadata.name ?? '');
          continue;
        }
        if (!available(newPod)) {
          surged++;
          continue;
        }
        if (!oldPod.metadata.deletionTimestamp) toDelete.push(oldPod);
      }
      const room = Math.max(0, Math.min(candidates.length, maxSurge - surged));
      toCreate.push(...candidates.slice(0, room));
    }
    await this.sync(ds, toCreate, toDelete, hash);
  }

  private split(pods: KubeObject[], hash: string): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
    let newPod: KubeObject | undefined;
    let oldPod: KubeObject | undefined;
    for (const p of pods) {
      if (p.metadata.labels?.[revisionLabel] === hash) {
        if (newPod) return { ok: false };
        newPod = p;
      } else {
        if (oldPod) return { ok: false };
        oldPod = p;
      }
    }
    return { newPod, oldPod, ok: true };
  }

  private async sync(ds: KubeObject, nodes: string[], victims: KubeObject[], hash: string): Promise<void> {
    const errors: unknown[] = [];
    await Promise.all([
      ...nodes.map(async (node) => {
        try {
          const created = await this.d.client.create(this.d.podsResource, daemonPod(ds, node, hash));
          this.d.pendingPods.created(created);
          this.d.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (e) {
          this.d.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${String(e)}`);
          errors.push(e);
        }
      }),
      ...victims.map(async (pod) => {
        if (this.d.pendingPods.isDeleting(pod)) return;
        try {
          await this.d.client.delete(this.d.podsResource, pod.metadata.name ?? '', { namespace: pod.metadata.namespace, preconditions: { uid: pod.metadata.uid } });
          this.d.pendingPods.deleted(pod);
          this.d.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          if (isNotFound(e)) {
            this.d.pendingPods.deleted(pod);
            return;
          }
          this.d.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${String(e)}`);
          errors.push(e);
        }
      }),
    ]);
    if (errors.length > 0) throw errors[0];
  }

  private async writeStatus(ds: KubeObject, states: NodeState[], hash: string, collisionCount: number): Promise<void> {
    const minReady = daemonSetSpec(ds).minReadySeconds ?? 0;
    const now = this.now();
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const s of states) {
      const scheduled = s.pods.length > 0;
      if (s.shouldRun) {
        desired++;
        if (!scheduled) continue;
        current++;
        const pod = s.pods[0];
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, minReady, now)) available++;
        }
        if (s.pods.some((p) => p.metadata.labels?.[revisionLabel] === hash)) updated++;
      } else if (scheduled) misscheduled++;
    }
    const old = (ds.status ?? {}) as Record<string, unknown>;
    const next: Record<string, unknown> = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 0,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
      ...(collisionCount > 0 || old.collisionCount !== undefined ? { collisionCount } : {}),
    };
    if (Object.entries(next).every(([k, v]) => old[k] === v)) return;
    await this.d.client.updateStatus(this.d.daemonSetsResource, { ...ds, status: { ...old, ...next } });
  }
}
