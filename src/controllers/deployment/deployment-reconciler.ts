import { isAlreadyExists, labelSelectorFromObject, type KubeObject } from '../../api/index.js';
import { objectKey, type EventRecorder, type Informer, type Manager, type ReconcileResult, type Reconciler, type ResourceDescriptor } from '../../client/index.js';
import { retryConflicts } from '../internal/conflicts.js';
import { claimObjects, controllerRefOf, newControllerRef, ownerStillCurrent } from '../internal/controller-ref.js';
import { byOrphanNamespace, byOwnerUid, claimCandidates, ensureIndex, orphanIndex, ownerUidIndex } from '../internal/indexes.js';
import { semanticEqual } from '../internal/semantic-equal.js';
import { timeMs, type Pod, type ReplicaSet } from '../internal/types.js';
import {
  activeOnly,
  availableReplicas,
  byCreation,
  bySize,
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  desiredReplicasOf,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  getCondition,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  podTemplateHashLabel,
  proportion,
  reasons,
  removeCondition,
  replicasOf,
  revisionAnnotation,
  revisionOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  statusReplicas,
  type Deployment,
  type DeploymentStatus,
} from './deployment-util.js';
import { podTemplateHash } from './pod-template-hash.js';

/** One reconcile's view: the Deployment and its ReplicaSets, replaced by what the server answers after each write. */
interface SyncState {
  d: Deployment;
  rss: ReplicaSet[];
}

/**
 * Rolls Deployments out as Kubernetes' DeploymentController: one ReplicaSet per pod template (named
 * `<deployment>-<pod-template-hash>`), rolling updates within maxSurge and maxUnavailable, Recreate,
 * proportional scaling during a rollout, pause, revision history cleanup, and the Progressing and
 * Available conditions `kubectl rollout status` reads.
 */
export class DeploymentReconciler implements Reconciler {
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSetInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly manager: Manager,
    readonly resources: { deployments: ResourceDescriptor; replicaSets: ResourceDescriptor; pods: ResourceDescriptor },
    private readonly now: () => number = Date.now,
  ) {
    this.deployments = manager.informers.informerFor<Deployment>(resources.deployments);
    this.replicaSetInformer = manager.informers.informerFor<ReplicaSet>(resources.replicaSets);
    this.podInformer = manager.informers.informerFor<Pod>(resources.pods);
    ensureIndex(this.podInformer, ownerUidIndex, byOwnerUid);
    ensureIndex(this.replicaSetInformer, ownerUidIndex, byOwnerUid);
    ensureIndex(this.replicaSetInformer, orphanIndex, byOrphanNamespace);
    this.recorder = manager.recorder('deployment-controller');
  }

  private get client() {
    return this.manager.client;
  }

  /** Orphan ReplicaSets map to every Deployment in their namespace that selects them. */
  readonly replicaSetToDeployments = (rs: KubeObject): string[] => {
    const ref = controllerRefOf(rs);
    if (ref) return ref.kind === 'Deployment' ? [`${rs.metadata.namespace}/${ref.name}`] : [];
    if (rs.metadata.deletionTimestamp) return [];
    return this.deployments.store
      .byIndex('namespace', rs.metadata.namespace ?? '')
      .filter((d) => labelSelectorFromObject(d.spec?.selector).matches(rs.metadata.labels))
      .map((d) => objectKey(d));
  };

  /** A deleted pod matters to a Recreate rollout waiting for old pods to go. */
  readonly podToDeployment = (pod: KubeObject): string[] => {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return [];
    const rs = this.replicaSetInformer.store.getByName(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return [];
    const dref = controllerRefOf(rs);
    if (!dref || dref.kind !== 'Deployment') return [];
    const d = this.deployments.store.getByName(pod.metadata.namespace, dref.name);
    if (!d || d.spec?.strategy?.type !== 'Recreate') return [];
    return [objectKey(d)];
  };

  reconcile(key: string): Promise<ReconcileResult | void> {
    return retryConflicts(() => this.syncDeployment(key));
  }

  private async syncDeployment(key: string): Promise<ReconcileResult | void> {
    const cached = this.deployments.store.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const sel = d.spec.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await this.client.updateStatus(this.resources.deployments, { ...d, status: { ...d.status, observedGeneration: d.metadata.generation } });
      }
      return;
    }
    const s: SyncState = { d, rss: await this.replicaSetsFor(d) };
    if (d.metadata.deletionTimestamp) {
      await this.syncStatusOnly(s);
      return;
    }
    await this.checkPausedConditions(s);
    if (s.d.spec.paused) {
      await this.sync(s);
      return;
    }
    if (await this.isScalingEvent(s)) {
      await this.sync(s);
      return;
    }
    return isRollingUpdate(s.d) ? this.rolloutRolling(s) : this.rolloutRecreate(s);
  }

  // --- ReplicaSets -------------------------------------------------------------------------------

  private async replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    const claimed = await claimObjects(claimCandidates(this.replicaSetInformer, d), {
      client: this.client,
      resource: this.resources.replicaSets,
      owner: d,
      selector: labelSelectorFromObject(d.spec.selector),
      canAdopt: ownerStillCurrent(this.client, this.resources.deployments, d),
    });
    return claimed.map((rs) => structuredClone(rs));
  }

  private replace(s: SyncState, rs: ReplicaSet): void {
    const i = s.rss.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) s.rss[i] = rs;
    else s.rss.push(rs);
  }

  private split(s: SyncState): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const newRS = findNewReplicaSet(s.d, s.rss);
    return { newRS, oldRSs: s.rss.filter((rs) => rs !== newRS) };
  }

  /**
   * Finds (or, when asked, creates) the new ReplicaSet and brings revisions up to date: the new
   * ReplicaSet gets the next revision after the old ones (a rollback revives an old ReplicaSet as the
   * newest revision), and the Deployment carries the new ReplicaSet's revision.
   */
  private async newAndOld(s: SyncState, create: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const { newRS: existing, oldRSs } = this.split(s);
    const newRevision = maxRevision(oldRSs) + 1;
    const d = s.d;
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== minReady;
      if (annotationsChanged || minReadyChanged) {
        if (minReadyChanged) copy.spec.minReadySeconds = minReady;
        this.replace(s, await this.client.update(this.resources.replicaSets, copy));
      }
      const current = this.split(s).newRS ?? copy;
      await this.setDeploymentRevision(s, current.metadata.annotations?.[revisionAnnotation]);
      if (hasProgressDeadline(s.d) && !getCondition(s.d.status, 'Progressing')) {
        const status = structuredClone(s.d.status ?? {});
        setCondition(status, newCondition('Progressing', 'True', reasons.foundNewRS, `Found new replica set "${current.metadata.name}"`, this.now()));
        await this.writeStatus(s, status);
      }
      return this.split(s);
    }
    if (!create) return { newRS: undefined, oldRSs };

    const hash = podTemplateHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
    const selector = structuredClone(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d)], labels: { ...template.metadata.labels } },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec.replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.client.create(this.resources.replicaSets, rs);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          setCondition(status, newCondition('Progressing', 'False', reasons.failedRSCreate, `Failed to create new replica set "${rs.metadata.name}": ${e instanceof Error ? e.message : String(e)}`, this.now()));
          await this.writeStatus(s, status);
        }
        throw e;
      }
      const found = await this.client.get<ReplicaSet>(this.resources.replicaSets, rs.metadata.name!, { namespace: d.metadata.namespace });
      const ref = controllerRefOf(found);
      if (!ref || ref.uid !== d.metadata.uid || !equalIgnoreHash(d.spec.template, found.spec.template)) {
        // A hash collision: bump collisionCount so the next attempt hashes to another name.
        const status = structuredClone(d.status ?? {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        await this.writeStatus(s, status);
        throw new Error(`replica set "${rs.metadata.name}" exists and is not this deployment's: hash collision, collisionCount is now ${status.collisionCount}`);
      }
      created = found;
      alreadyExisted = true;
    }
    this.replace(s, created);
    if (!alreadyExisted && replicas > 0) {
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    }
    await this.setDeploymentRevision(s, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(s.d)) {
      const status = structuredClone(s.d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', reasons.newRSCreated, `Created new replica set "${created.metadata.name}"`, this.now()));
      await this.writeStatus(s, status);
    }
    return this.split(s);
  }

  /** The Deployment's own revision annotation; a metadata write, since a status write keeps metadata. */
  private async setDeploymentRevision(s: SyncState, revision: string | undefined): Promise<void> {
    if (revision === undefined || s.d.metadata.annotations?.[revisionAnnotation] === revision) return;
    const patched = await this.client.patch<Deployment>(
      this.resources.deployments,
      s.d.metadata.name!,
      { metadata: { annotations: { [revisionAnnotation]: revision }, resourceVersion: s.d.metadata.resourceVersion } },
      { type: 'merge', namespace: s.d.metadata.namespace },
    );
    s.d = patched;
  }

  private async writeStatus(s: SyncState, status: DeploymentStatus): Promise<void> {
    s.d = await this.client.updateStatus(this.resources.deployments, { ...s.d, status });
  }

  /** Scales one ReplicaSet, refreshing its replicas annotations; records ScalingReplicaSet when the size changes. */
  private async scaleReplicaSet(s: SyncState, rs: ReplicaSet, size: number, operation?: string): Promise<boolean> {
    const copy = structuredClone(rs);
    const old = replicasOf(rs);
    const sizeChanged = old !== size;
    const annotationsChanged = setReplicasAnnotations(copy, replicasOf(s.d), replicasOf(s.d) + maxSurge(s.d));
    if (!sizeChanged && !annotationsChanged) return false;
    copy.spec.replicas = size;
    this.replace(s, await this.client.update(this.resources.replicaSets, copy));
    if (sizeChanged) {
      const op = operation ?? (size > old ? 'up' : 'down');
      this.recorder.event(s.d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${old} to ${size}`);
    }
    return sizeChanged;
  }

  private async scaleAndRecord(s: SyncState, rs: ReplicaSet, size: number): Promise<boolean> {
    if (replicasOf(rs) === size) return false;
    return this.scaleReplicaSet(s, rs, size);
  }

  // --- Rolling update ----------------------------------------------------------------------------

  private async rolloutRolling(s: SyncState): Promise<ReconcileResult | void> {
    let { newRS, oldRSs } = await this.newAndOld(s, true);
    if (await this.reconcileNewReplicaSet(s, newRS!)) return this.syncRolloutStatus(s);
    ({ newRS, oldRSs } = this.split(s));
    if (await this.reconcileOldReplicaSets(s, newRS!, activeOnly(oldRSs))) return this.syncRolloutStatus(s);
    ({ newRS, oldRSs } = this.split(s));
    if (deploymentComplete(s.d, s.d.status ?? {})) await this.cleanup(s, oldRSs);
    return this.syncRolloutStatus(s);
  }

  private async reconcileNewReplicaSet(s: SyncState, newRS: ReplicaSet): Promise<boolean> {
    const want = replicasOf(s.d);
    if (replicasOf(newRS) === want) return false;
    if (replicasOf(newRS) > want) return this.scaleAndRecord(s, newRS, want);
    return this.scaleAndRecord(s, newRS, newRSNewReplicas(s.d, s.rss, newRS));
  }

  private async reconcileOldReplicaSets(s: SyncState, newRS: ReplicaSet, oldRSs: ReplicaSet[]): Promise<boolean> {
    if (specReplicas(oldRSs) === 0) return false;
    const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
    const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = specReplicas(s.rss) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // First old pods that are not available anyway: removing them costs no availability.
    let cleaned = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const current = s.rss.find((x) => x.metadata.uid === rs.metadata.uid)!;
      const unavailable = replicasOf(current) - (current.status?.availableReplicas ?? 0);
      if (replicasOf(current) === 0 || unavailable <= 0) continue;
      const down = Math.min(maxScaledDown - cleaned, unavailable);
      await this.scaleAndRecord(s, current, replicasOf(current) - down);
      cleaned += down;
    }
    // Then available old pods, keeping minAvailable across all ReplicaSets.
    const available = availableReplicas(s.rss);
    let scaledDown = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      const olds = s.rss.filter((x) => oldRSs.some((o) => o.metadata.uid === x.metadata.uid)).sort(byCreation);
      for (const rs of olds) {
        if (scaledDown >= total) break;
        if (replicasOf(rs) === 0) continue;
        const down = Math.min(replicasOf(rs), total - scaledDown);
        await this.scaleAndRecord(s, rs, replicasOf(rs) - down);
        scaledDown += down;
      }
    }
    return cleaned + scaledDown > 0;
  }

  // --- Recreate ----------------------------------------------------------------------------------

  private async rolloutRecreate(s: SyncState): Promise<ReconcileResult | void> {
    let { newRS, oldRSs } = await this.newAndOld(s, false);
    let scaledDown = false;
    for (const rs of activeOnly(oldRSs)) if (await this.scaleAndRecord(s, rs, 0)) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(s);
    ({ newRS, oldRSs } = this.split(s));
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(s);
    if (!newRS) ({ newRS, oldRSs } = await this.newAndOld(s, true));
    await this.scaleAndRecord(s, newRS!, replicasOf(s.d));
    ({ newRS, oldRSs } = this.split(s));
    if (deploymentComplete(s.d, s.d.status ?? {})) await this.cleanup(s, oldRSs);
    return this.syncRolloutStatus(s);
  }

  /** Old ReplicaSets still report pods, or old pods (terminating ones too) still exist and have not finished. */
  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (statusReplicas(oldRSs) > 0) return true;
    for (const rs of oldRSs) {
      for (const pod of this.podInformer.store.byIndex(ownerUidIndex, rs.metadata.uid ?? '')) {
        if (controllerRefOf(pod)?.uid !== rs.metadata.uid || rs === newRS) continue;
        const phase = pod.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  // --- Scaling, pause, status --------------------------------------------------------------------

  /** Some active ReplicaSet was sized for another replica count than the Deployment's. */
  private async isScalingEvent(s: SyncState): Promise<boolean> {
    const { newRS, oldRSs } = await this.newAndOld(s, false);
    for (const rs of activeOnly([...oldRSs, newRS])) {
      const desired = desiredReplicasOf(rs);
      if (desired !== undefined && desired !== replicasOf(s.d)) return true;
    }
    return false;
  }

  private async sync(s: SyncState): Promise<void> {
    const { newRS, oldRSs } = await this.newAndOld(s, false);
    await this.scale(s, newRS, oldRSs);
    const after = this.split(s);
    if (s.d.spec.paused) await this.cleanup(s, after.oldRSs);
    await this.syncDeploymentStatus(s);
  }

  /** Scales to spec.replicas; during a rolling update, every active ReplicaSet in proportion to its size. */
  private async scale(s: SyncState, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = s.d;
    const one = findActiveOrLatest(newRS, oldRSs);
    if (one) {
      if (replicasOf(one) !== replicasOf(d)) await this.scaleAndRecord(s, one, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const rs of activeOnly(oldRSs)) await this.scaleAndRecord(s, rs, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeOnly([...oldRSs, newRS]);
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowed - specReplicas(all);
    let operation: string | undefined;
    if (toAdd > 0) {
      all.sort(bySize(true));
      operation = 'up';
    } else if (toAdd < 0) {
      all.sort(bySize(false));
      operation = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(d, rs, toAdd, added);
        sizes.set(rs.metadata.name!, replicasOf(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name!, replicasOf(rs));
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i];
      if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + toAdd - added));
      await this.scaleReplicaSet(s, rs, sizes.get(rs.metadata.name!)!, operation);
    }
  }

  /** Deletes the oldest dead ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(s: SyncState, oldRSs: ReplicaSet[]): Promise<void> {
    const limit = s.d.spec.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.client.delete(this.resources.replicaSets, rs.metadata.name!, { namespace: rs.metadata.namespace, preconditions: { uid: rs.metadata.uid } });
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
    }
  }

  private async checkPausedConditions(s: SyncState): Promise<void> {
    if (!hasProgressDeadline(s.d)) return;
    const cond = getCondition(s.d.status, 'Progressing');
    const pausedCondExists = cond?.reason === reasons.paused;
    const status = structuredClone(s.d.status ?? {});
    if (s.d.spec.paused && !pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', this.now()));
    } else if (!s.d.spec.paused && pausedCondExists) {
      setCondition(status, newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', this.now()));
    } else return;
    await this.writeStatus(s, status);
  }

  private async syncStatusOnly(s: SyncState): Promise<void> {
    await this.newAndOld(s, false);
    await this.syncDeploymentStatus(s);
  }

  private async syncDeploymentStatus(s: SyncState): Promise<void> {
    const { newRS } = this.split(s);
    const status = calculateStatus(s.d, s.rss, newRS, this.now());
    if (this.sameStatus(s.d.status, status)) return;
    await this.writeStatus(s, status);
  }

  private sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
    return semanticEqual(withoutZeros(a ?? {}), withoutZeros(b));
  }

  /** Status with the Progressing condition, ReplicaFailure carried over from the ReplicaSets, and a timed requeue for the deadline. */
  private async syncRolloutStatus(s: SyncState): Promise<ReconcileResult | void> {
    const d = s.d;
    const now = this.now();
    const { newRS } = this.split(s);
    const status = calculateStatus(d, s.rss, newRS, now);
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition(d.status, 'Progressing');
    const complete = status.replicas === status.updatedReplicas && current?.reason === reasons.newRSAvailable;
    if (hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, status)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : 'Deployment has successfully progressed.';
        setCondition(status, newCondition('Progressing', 'True', reasons.newRSAvailable, msg, now));
      } else if (deploymentProgressing(d, status)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
        const cond = newCondition('Progressing', 'True', reasons.rsUpdated, msg, now);
        if (current) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          removeCondition(status, 'Progressing');
        }
        setCondition(status, cond);
      } else if (deploymentTimedOut(d, status, now)) {
        const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        setCondition(status, newCondition('Progressing', 'False', reasons.timedOut, msg, now));
      }
    }
    const failure = this.replicaFailure(s.rss, newRS);
    if (failure) setCondition(status, failure);
    else removeCondition(status, 'ReplicaFailure');
    if (!this.sameStatus(d.status, status)) {
      await this.writeStatus(s, status);
      return this.requeueStuck(s.d, status, now);
    }
    return this.requeueStuck(d, status, now);
  }

  /** The new ReplicaSet's ReplicaFailure condition, else the first old one's. */
  private replicaFailure(rss: ReplicaSet[], newRS: ReplicaSet | undefined) {
    const ordered = newRS ? [newRS, ...rss.filter((r) => r !== newRS)] : rss;
    for (const rs of ordered) {
      const c = rs.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
      if (c) return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
    }
    return undefined;
  }

  /** Checks back when the progress deadline would pass, so ProgressDeadlineExceeded appears on time. */
  private requeueStuck(d: Deployment, status: DeploymentStatus, now: number): ReconcileResult | void {
    const cond = getCondition(status, 'Progressing');
    if (!hasProgressDeadline(d) || !cond) return;
    if (deploymentComplete(d, status) || cond.reason === reasons.timedOut) return;
    const from = timeMs(cond.lastUpdateTime) ?? now;
    const after = from + d.spec.progressDeadlineSeconds! * 1000 - now;
    return { requeueAfterMs: after < 1000 ? 1 : after + 1000 };
  }
}

function withoutZeros(s: DeploymentStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (v !== 0 && v !== undefined) out[k] = v;
  return out;
}
