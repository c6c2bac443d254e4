import type { JobCondition } from 'kubernetes-types/batch/v1.js';
import type { ContainerStatus } from 'kubernetes-types/core/v1.js';
import { isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, EventRecorder, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../client/index.js';
import { deletedObject, splitKey } from '../../client/index.js';
import { isControlledBy } from '../workload-internal/owner-ref.js';
import type { PendingWrites } from '../workload-internal/pending-writes.js';
import { isPodReady, isPodTerminal, podCondition, podPhase } from '../workload-internal/pod-state.js';
import { completionIndex, formatIndexes, isIndexed, jobPod, jobSpec, parseIndexes, trackingFinalizer } from './job-pod.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { rfc3339 } from '../../api/rfc3339.js';

/** `manager.settings.job`: durations shortened in tests, and the clock. */
export interface JobSettings {
  /** First delay before recreating a failed pod; doubles per failure. 10 s by default. */
  backoffBaseMs?: number;
  /** Longest delay before recreating a failed pod; 6 minutes by default. */
  backoffMaxMs?: number;
  now?: () => number;
}

export interface JobReconcilerDeps {
  client: ApiClient;
  recorder: EventRecorder;
  jobs: Informer;
  pods: Informer;
  jobsResource: ResourceDescriptor;
  podsResource: ResourceDescriptor;
  pendingPods: PendingWrites;
  settings?: JobSettings;
}

interface Backoff {
  failures: number;
  lastFailureMs: number;
}

interface Failure {
  reason: string;
  message: string;
}

type Status = Record<string, unknown> & {
  conditions?: JobCondition[];
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
};

/** Sets one of the counts upstream marks omitempty: a zero is left out, not written as 0. */
function setCount(status: Status, key: 'active' | 'succeeded' | 'failed', n: number): void {
  if (n === 0) delete status[key];
  else status[key] = n;
}

function setIndexes(status: Status, indexes: string): void {
  if (indexes === '') delete status.completedIndexes;
  else status.completedIndexes = indexes;
}

function hasCondition(status: Status, type: string): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function condition(status: Status, type: string): JobCondition | undefined {
  return (status.conditions ?? []).find((c) => c.type === type);
}

function hasFinalizer(pod: KubeObject): boolean {
  return pod.metadata.finalizers?.includes(trackingFinalizer) ?? false;
}

/** When a pod finished: its last container's end, else its Ready transition, else now. */
function finishedAtMs(pod: KubeObject, now: number): number {
  const status = (pod.status ?? {}) as { containerStatuses?: ContainerStatus[] };
  let latest = 0;
  for (const c of status.containerStatuses ?? []) {
    const t = Date.parse(c.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t)) latest = Math.max(latest, t);
  }
  if (latest > 0) return latest;
  const ready = Date.parse(podCondition(pod, 'Ready')?.lastTransitionTime ?? '');
  return Number.isNaN(ready) ? now : ready;
}

/**
 * Runs a Job's pods to completion as upstream's job controller: parallelism and completions (Indexed or
 * not), pod recreation with exponential backoff, backoffLimit, activeDeadlineSeconds, podFailurePolicy,
 * suspend, and status. Pods carry the job-tracking finalizer: a finished pod is first recorded in
 * `status.uncountedTerminatedPods`, then its finalizer is removed, then it moves to the succeeded or
 * failed count, so a crash at any step neither loses nor double-counts it. A Job that meets its
 * success or failure criteria first gets SuccessCriteriaMet or FailureTarget, and Complete or Failed
 * once none of its pods is left running.
 */
export class JobReconciler implements Reconciler {
  private readonly backoffs = new Map<string, Backoff>();
  /** Pods whose finalizer we removed, until the informer shows it gone: a stale pod must not be counted twice. */
  private readonly finalizerRemovals = new Map<string, number>();
  private readonly now: () => number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private readonly d: JobReconcilerDeps) {
    this.now = d.settings?.now ?? Date.now;
    this.baseMs = d.settings?.backoffBaseMs ?? 10_000;
    this.maxMs = d.settings?.backoffMaxMs ?? 360_000;
    d.pods.addEventHandler({
      onUpdate: (_old, pod) => {
        if (!hasFinalizer(pod)) this.finalizerRemovals.delete(pod.metadata.uid ?? '');
      },
      onDelete: (o) => void this.finalizerRemovals.delete(deletedObject(o).metadata.uid ?? ''),
    });
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const job = this.d.jobs.store.get(key);
    const { namespace, name } = splitKey(key);
    const inNamespace = this.d.pods.store.byIndex('namespace', namespace ?? '');
    if (!job || job.metadata.deletionTimestamp) {
      // The Job is gone (or going): its pods must not stay stuck on our finalizer.
      this.backoffs.delete(key);
      const orphans = inNamespace.filter((p) => hasFinalizer(p) && p.metadata.ownerReferences?.some((r) => r.kind === 'Job' && r.name === name && (!job || r.uid === job.metadata.uid)));
      await this.removeFinalizers(orphans);
      return;
    }
    const pods = this.d.pendingPods.overlay(inNamespace, (p) => isControlledBy(p, job)).filter((p) => isControlledBy(p, job));
    const status = structuredClone((job.status ?? {}) as Status);
    if (hasCondition(status, 'Complete') || hasCondition(status, 'Failed')) {
      this.backoffs.delete(key);
      await this.removeFinalizers(pods.filter(hasFinalizer));
      return;
    }
    return this.sync(key, job, pods, status);
  }

  private async sync(key: string, job: KubeObject, pods: KubeObject[], status: Status): Promise<ReconcileResult | void> {
    const spec = jobSpec(job);
    const now = this.now();
    const nowText = rfc3339(now);
    const indexed = isIndexed(job);
    const completions = spec.completions ?? undefined;
    let before = JSON.stringify(status);
    const policy = spec.podFailurePolicy;
    // With a pod failure policy or podReplacementPolicy Failed, only pods that reached Failed count as failed.
    const onlyFailedPhase = policy !== undefined || spec.podReplacementPolicy === 'Failed';
    // A deleted pod that was never bound will never run: no kubelet will mark it Failed, so it counts as failed.
    const isFailed = (p: KubeObject) =>
      podPhase(p) === 'Failed' ||
      (Boolean(p.metadata.deletionTimestamp) && podPhase(p) !== 'Succeeded' && (!onlyFailedPhase || !(p.spec as { nodeName?: string } | undefined)?.nodeName));

    // 1. Record pods that finished since the last pass, before their finalizers go.
    const uncountedSucceeded = new Set(status.uncountedTerminatedPods?.succeeded ?? []);
    const uncountedFailed = new Set(status.uncountedTerminatedPods?.failed ?? []);
    const completed = parseIndexes(status.completedIndexes as string | undefined, completions ?? 0);
    let policyFailure: Failure | undefined;
    let recorded = false;
    const finished: KubeObject[] = [];
    const backoff = { ...(this.backoffs.get(key) ?? { failures: 0, lastFailureMs: 0 }) };
    for (const p of pods) {
      const uid = p.metadata.uid ?? '';
      if (!hasFinalizer(p) || this.removingFinalizer(uid)) continue;
      if (podPhase(p) === 'Succeeded') {
        finished.push(p);
        if (indexed) {
          const ix = completionIndex(p);
          if (ix !== undefined && ix < (completions ?? 0) && !completed.has(ix)) {
            completed.add(ix);
            recorded = true;
          }
        } else if (!uncountedSucceeded.has(uid)) {
          uncountedSucceeded.add(uid);
          recorded = true;
        }
        backoff.failures = 0;
      } else if (isFailed(p)) {
        finished.push(p);
        if (uncountedFailed.has(uid)) continue;
        const verdict = matchPodFailurePolicy(policy, p);
        if (verdict.action === 'FailJob' && verdict.message) policyFailure ??= { reason: 'PodFailurePolicy', message: verdict.message };
        if (!verdict.countFailed) continue;
        uncountedFailed.add(uid);
        recorded = true;
        backoff.failures++;
        backoff.lastFailureMs = Math.max(backoff.lastFailureMs, finishedAtMs(p, now));
      }
    }
    // Empty lists are left out, as the API's omitempty fields are: `uncountedTerminatedPods: {}`.
    const uncounted = () => ({
      ...(uncountedSucceeded.size > 0 ? { succeeded: [...uncountedSucceeded] } : {}),
      ...(uncountedFailed.size > 0 ? { failed: [...uncountedFailed] } : {}),
    });
    if (recorded) {
      status.uncountedTerminatedPods = uncounted();
      if (indexed) {
        setIndexes(status, formatIndexes(completed));
        setCount(status, 'succeeded', completed.size);
      }
      job = await this.d.client.updateStatus(this.d.jobsResource, { ...job, status });
      before = JSON.stringify(status);
    }
    // Kept only once the failures it counts are recorded, so a failed write does not count them twice.
    this.backoffs.set(key, backoff);

    // 2. Remove the finalizers of recorded pods, then 3. move them from uncounted to the counts.
    await this.removeFinalizers(finished);
    const stillTracked = new Set(pods.filter((p) => hasFinalizer(p) && !this.removingFinalizer(p.metadata.uid ?? '')).map((p) => p.metadata.uid));
    let succeeded = Number(status.succeeded ?? 0);
    let failed = Number(status.failed ?? 0);
    for (const uid of [...uncountedSucceeded]) {
      if (stillTracked.has(uid)) continue;
      uncountedSucceeded.delete(uid);
      if (!indexed) succeeded++;
    }
    for (const uid of [...uncountedFailed]) {
      if (stillTracked.has(uid)) continue;
      uncountedFailed.delete(uid);
      failed++;
    }
    if (indexed) succeeded = completed.size;
    status.uncountedTerminatedPods = uncounted();
    setCount(status, 'succeeded', succeeded);
    setCount(status, 'failed', failed);
    if (indexed) setIndexes(status, formatIndexes(completed));

    const deleting = (p: KubeObject) => Boolean(p.metadata.deletionTimestamp) || this.d.pendingPods.isDeleting(p);
    let active = pods.filter((p) => !isPodTerminal(p) && !deleting(p));
    const terminating = () => pods.filter((p) => !isPodTerminal(p) && deleting(p)).length;
    const settled = () => active.length === 0 && terminating() === 0 && uncountedSucceeded.size === 0 && uncountedFailed.size === 0;
    let requeueAfterMs: number | undefined;

    // Suspension stops the clock and the pods.
    const suspended = spec.suspend === true;
    const suspendedCond = condition(status, 'Suspended');
    if (suspended) {
      if (suspendedCond?.status !== 'True') {
        this.setCondition(status, 'Suspended', 'JobSuspended', 'Job suspended', nowText);
        this.d.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      await this.deletePods(job, active);
      active = [];
    } else {
      if (suspendedCond?.status === 'True') {
        this.setCondition(status, 'Suspended', 'JobResumed', 'Job resumed', nowText, 'False');
        this.d.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        status.startTime = nowText;
      }
      status.startTime ??= nowText;
    }

    // Failure and success criteria, each reached once and then kept.
    let failure: Failure | undefined;
    const target = condition(status, 'FailureTarget');
    if (target?.status === 'True') failure = { reason: target.reason ?? '', message: target.message ?? '' };
    else if (policyFailure) failure = policyFailure;
    else if (failed + uncountedFailed.size > (spec.backoffLimit ?? 6)) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (!suspended && spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null && typeof status.startTime === 'string') {
      const deadline = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000;
      if (now >= deadline) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else requeueAfterMs = deadline - now + 10;
    }

    const succeededTotal = indexed ? completed.size : succeeded + uncountedSucceeded.size;
    const successMet =
      hasCondition(status, 'SuccessCriteriaMet') ||
      (!failure &&
        (indexed
          ? completed.size >= (completions ?? 0)
          : completions !== undefined
            ? succeededTotal >= completions
            : succeededTotal > 0 && active.length === 0));

    if (failure) {
      if (target?.status !== 'True') this.setCondition(status, 'FailureTarget', failure.reason, failure.message, nowText);
      await this.deletePods(job, active);
      active = [];
      if (settled()) {
        this.setCondition(status, 'Failed', failure.reason, failure.message, nowText);
        this.d.recorder.event(job, 'Warning', failure.reason, failure.message);
      }
    } else if (successMet) {
      if (!hasCondition(status, 'SuccessCriteriaMet')) this.setCondition(status, 'SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', nowText);
      await this.deletePods(job, active);
      active = [];
      if (settled()) {
        this.setCondition(status, 'Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', nowText);
        status.completionTime = nowText;
        this.d.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      }
    } else if (!suspended) {
      const wait = await this.managePods(job, active, completed, succeededTotal, backoff, now);
      active = wait.active;
      if (wait.retryAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, wait.retryAfterMs);
    }

    setCount(status, 'active', active.length);
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating();
    if (JSON.stringify(status) !== before) await this.d.client.updateStatus(this.d.jobsResource, { ...job, status });
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  }

  /** Creates or deletes pods toward the wanted number of active pods; creation waits out the failure backoff. */
  private async managePods(job: KubeObject, active: KubeObject[], completed: Set<number>, succeeded: number, backoff: Backoff, now: number) {
    const spec = jobSpec(job);
    const parallelism = spec.parallelism ?? 1;
    const completions = spec.completions ?? undefined;
    const indexed = isIndexed(job);
    let want: number;
    if (completions === undefined) want = succeeded > 0 ? active.length : parallelism;
    else want = Math.max(0, Math.min(parallelism, completions - (indexed ? completed.size : succeeded)));

    // Indexed: one pod per index still to do; extra pods for an index (or for done ones) go.
    let surplus: KubeObject[] = [];
    let keep = active;
    if (indexed) {
      const seen = new Set<number>();
      keep = [];
      for (const p of active) {
        const ix = completionIndex(p);
        if (ix === undefined || ix >= (completions ?? 0) || completed.has(ix) || seen.has(ix)) surplus.push(p);
        else {
          seen.add(ix);
          keep.push(p);
        }
      }
    }
    if (keep.length > want) {
      // Newest and not-ready pods are the cheapest to lose.
      const ranked = [...keep].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
      surplus = [...surplus, ...ranked.slice(0, keep.length - want)];
      keep = keep.filter((p) => !surplus.includes(p));
    }
    await this.deletePods(job, surplus);
    if (keep.length >= want) return { active: keep };

    if (backoff.failures > 0) {
      const delay = Math.min(this.baseMs * 2 ** (backoff.failures - 1), this.maxMs);
      const left = backoff.lastFailureMs + delay - now;
      if (left > 0) return { active: keep, retryAfterMs: left + 10 };
    }
    let toCreate: (number | undefined)[];
    if (indexed) {
      const busy = new Set(keep.map(completionIndex));
      const free: number[] = [];
      for (let i = 0; i < (completions ?? 0) && free.length < want - keep.length; i++) if (!completed.has(i) && !busy.has(i)) free.push(i);
      toCreate = free;
    } else toCreate = new Array(want - keep.length).fill(undefined);
    const created = await Promise.all(
      toCreate.map(async (ix) => {
        try {
          const pod = await this.d.client.create(this.d.podsResource, jobPod(job, ix));
          this.d.pendingPods.created(pod);
          this.d.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          return pod;
        } catch (e) {
          this.d.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${String(e)}`);
          throw e;
        }
      }),
    );
    return { active: [...keep, ...created] };
  }

  private async deletePods(job: KubeObject, pods: KubeObject[]): Promise<void> {
    await Promise.all(
      pods.map(async (p) => {
        if (this.d.pendingPods.isDeleting(p) || p.metadata.deletionTimestamp) return;
        try {
          await this.d.client.delete(this.d.podsResource, p.metadata.name ?? '', { namespace: p.metadata.namespace, preconditions: { uid: p.metadata.uid } });
          this.d.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
        this.d.pendingPods.deleted(p);
      }),
    );
  }

  /** Removes the tracking finalizer, re-reading the pod when the cached copy was stale. */
  private async removeFinalizers(pods: KubeObject[]): Promise<void> {
    await Promise.all(
      pods.map(async (cached) => {
        const uid = cached.metadata.uid ?? '';
        if (!hasFinalizer(cached) || this.removingFinalizer(uid)) return;
        let pod = cached;
        for (let attempt = 0; ; attempt++) {
          const i = pod.metadata.finalizers?.indexOf(trackingFinalizer) ?? -1;
          if (i < 0) break;
          try {
            await this.d.client.patch(
              this.d.podsResource,
              pod.metadata.name ?? '',
              [
                { op: 'test', path: `/metadata/finalizers/${i}`, value: trackingFinalizer },
                { op: 'remove', path: `/metadata/finalizers/${i}` },
              ],
              { namespace: pod.metadata.namespace, type: 'json' },
            );
            break;
          } catch (e) {
            if (isNotFound(e)) break;
            if (attempt >= 2) throw e;
            pod = await this.d.client.get(this.d.podsResource, pod.metadata.name ?? '', { namespace: pod.metadata.namespace });
            if (pod.metadata.uid !== uid) break;
          }
        }
        this.finalizerRemovals.set(uid, Date.now());
      }),
    );
  }

  /** Whether we removed the pod's finalizer and the informer has not shown it yet (for a minute at most). */
  private removingFinalizer(uid: string): boolean {
    const at = this.finalizerRemovals.get(uid);
    if (at === undefined) return false;
    if (Date.now() - at < 60_000) return true;
    this.finalizerRemovals.delete(uid);
    return false;
  }

  private setCondition(status: Status, type: string, reason: string, message: string, now: string, value = 'True'): void {
    const conditions = [...(status.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === type);
    const next: JobCondition = { type, status: value, lastProbeTime: now, lastTransitionTime: now, reason, message };
    if (i >= 0) {
      if (conditions[i].status === value) next.lastTransitionTime = conditions[i].lastTransitionTime;
      conditions[i] = next;
    } else conditions.push(next);
    status.conditions = conditions;
  }
}

