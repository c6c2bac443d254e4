import type { CronJobSpec } from 'kubernetes-types/batch/v1.js';
import { isAlreadyExists, isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, EventRecorder, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../client/index.js';
import { splitKey } from '../../client/index.js';
import { loadLocationError } from '../../api/validation/workload-schedule.js';
import { controllerRef, isControlledBy } from '../workload-internal/owner-ref.js';
import { formatInZone, nextAfter, parseSchedule, type Schedule } from './cron-schedule.js';
import { rfc3339 } from '../../api/rfc3339.js';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** `manager.settings.cronjob`: the clock, and in tests a cap on how long to sleep between checks. */
export interface CronJobSettings {
  now?: () => Date;
  /** Check again at least this often (real ms), for clocks that run faster than real time. */
  maxRequeueMs?: number;
}

export interface CronJobReconcilerDeps {
  client: ApiClient;
  recorder: EventRecorder;
  cronJobs: Informer;
  jobs: Informer;
  cronJobsResource: ResourceDescriptor;
  jobsResource: ResourceDescriptor;
  settings?: CronJobSettings;
}

interface ObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

type Status = { active?: ObjectRef[]; lastScheduleTime?: string; lastSuccessfulTime?: string } & Record<string, unknown>;

/** Checks a little after the scheduled minute, as upstream does, so the time has surely come. */
const nextScheduleDeltaMs = 100;

function finishedCondition(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const conds = ((job.status ?? {}) as { conditions?: { type: string; status: string }[] }).conditions ?? [];
  for (const c of conds) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

function timeMs(t: unknown): number | undefined {
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Starts a CronJob's Jobs on schedule, as upstream's CronJob controller (v2): the most recent missed
 * start within `startingDeadlineSeconds` runs (a warning when over 100 were missed), Allow, Forbid or
 * Replace decide what happens to Jobs still running, finished Jobs beyond the history limits are
 * deleted, and status keeps the active Jobs, lastScheduleTime and lastSuccessfulTime. Jobs are named
 * `<cronjob>-<scheduled minutes since the epoch>`, so a start is made at most once.
 */
export class CronJobReconciler implements Reconciler {
  private readonly clock: () => Date;
  private readonly maxRequeueMs: number | undefined;
  /** The CronJob as this controller last wrote it, by key, until the cache catches up. */
  private readonly written = new Map<string, KubeObject>();

  constructor(private readonly d: CronJobReconcilerDeps) {
    this.clock = d.settings?.now ?? (() => new Date());
    this.maxRequeueMs = d.settings?.maxRequeueMs;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.d.cronJobs.store.get(key);
    if (!cached) {
      this.written.delete(key);
      return;
    }
    // Our own last status write may not have reached the cache yet: start from whichever is newer, so a
    // Job just started counts as active (Forbid) and is not started twice.
    const mine = this.written.get(key);
    const newest = mine && mine.metadata.uid === cached.metadata.uid && Number(mine.metadata.resourceVersion) > Number(cached.metadata.resourceVersion) ? mine : cached;
    if (newest === cached) this.written.delete(key);
    const cj: KubeObject = structuredClone(newest);
    const { namespace } = splitKey(key);
    const jobs = this.d.jobs.store.byIndex('namespace', namespace ?? '').filter((j) => isControlledBy(j, cj));
    const now = this.clock();
    const status = (cj.status ?? {}) as Status;
    cj.status = status;
    const before = JSON.stringify(status);

    const { requeueMs, changed } = await this.sync(cj, jobs, now);
    if (changed || JSON.stringify(status) !== before) {
      this.written.set(key, await this.d.client.updateStatus(this.d.cronJobsResource, cj));
    }
    if (!cj.metadata.deletionTimestamp) await this.cleanupFinishedJobs(cj, jobs);
    if (requeueMs === undefined) return;
    const wait = this.maxRequeueMs !== undefined ? Math.min(requeueMs, this.maxRequeueMs) : requeueMs;
    return { requeueAfterMs: Math.max(1, wait) };
  }

  private async sync(cj: KubeObject, jobs: KubeObject[], now: Date): Promise<{ requeueMs?: number; changed: boolean }> {
    const spec = (cj.spec ?? {}) as CronJobSpec;
    const status = cj.status as Status;
    let changed = false;
    const active = () => status.active ?? [];
    const inActive = (uid: string | undefined) => active().some((r) => r.uid === uid);
    const removeActive = (uid: string | undefined) => {
      status.active = active().filter((r) => r.uid !== uid);
      if (status.active.length === 0) delete status.active;
      changed = true;
    };

    const children = new Set<string>();
    for (const j of jobs) {
      children.add(j.metadata.uid ?? '');
      const done = finishedCondition(j);
      const found = inActive(j.metadata.uid);
      if (!found && !done) {
        this.d.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      } else if (found && done) {
        removeActive(j.metadata.uid);
        this.d.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`);
      }
      if (done === 'Complete') {
        const completed = timeMs((j.status as Record<string, unknown>).completionTime);
        const last = timeMs(status.lastSuccessfulTime);
        if (completed !== undefined && (last === undefined || completed > last)) {
          status.lastSuccessfulTime = rfc3339(completed);
          changed = true;
        }
      }
    }
    // Active Jobs we no longer see: ask the API server before forgetting them, the cache may be behind.
    for (const ref of [...active()]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        const j = await this.d.client.get(this.d.jobsResource, ref.name ?? '', { namespace: ref.namespace });
        if (j.metadata.uid !== ref.uid) throw Object.assign(new Error('replaced'), { replaced: true });
      } catch (e) {
        if (!isNotFound(e) && !(e as { replaced?: boolean }).replaced) throw e;
        this.d.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        removeActive(ref.uid);
      }
    }

    if (cj.metadata.deletionTimestamp) return { changed };
    if (spec.timeZone) {
      const err = loadLocationError(spec.timeZone);
      if (err) {
        this.d.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${spec.timeZone}": ${err}`);
        return { changed };
      }
    }
    if (spec.suspend) return { changed };
    let sched: Schedule;
    try {
      sched = parseSchedule(spec.schedule ?? '');
    } catch (e) {
      this.d.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${(e as Error).message}`);
      return { changed };
    }
    const zone = spec.timeZone;
    const nextCheck = () => this.nextScheduleDurationMs(cj, now, sched, zone);

    const recent = this.mostRecentScheduleTime(cj, now, sched, zone, true);
    if (recent.error) {
      this.d.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${spec.schedule} : ${recent.error}`);
      return { changed, requeueMs: nextCheck() };
    }
    const scheduled = recent.mostRecent;
    if (!scheduled || scheduled.getTime() > now.getTime()) return { changed, requeueMs: nextCheck() };
    if (recent.manyMissed) {
      this.d.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    const deadline = spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduled.getTime() + deadline * 1000 < now.getTime()) {
      this.d.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return { changed, requeueMs: nextCheck() };
    }
    const jobName = `${cj.metadata.name}-${Math.floor(scheduled.getTime() / 60_000)}`;
    if (active().some((r) => r.name === jobName) || timeMs(status.lastScheduleTime) === scheduled.getTime()) {
      return { changed, requeueMs: nextCheck() };
    }
    const policy = spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active().length > 0) {
      this.d.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { changed, requeueMs: nextCheck() };
    }
    if (policy === 'Replace') {
      for (const ref of [...active()]) {
        try {
          await this.d.client.delete(this.d.jobsResource, ref.name ?? '', { namespace: ref.namespace, propagationPolicy: 'Background', preconditions: { uid: ref.uid } });
          this.d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (e) {
          if (!isNotFound(e)) {
            this.d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${String(e)}`);
            throw e;
          }
        }
        removeActive(ref.uid);
      }
    }

    const template = spec.jobTemplate ?? {};
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        namespace: cj.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: formatInZone(scheduled, zone) },
        ownerReferences: [controllerRef(cj)],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    let created: KubeObject;
    try {
      created = await this.d.client.create(this.d.jobsResource, job);
      this.d.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        this.d.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${String(e)}`);
        throw e;
      }
      // Made on an earlier pass whose status write was lost: take it as ours if it is.
      created = await this.d.client.get(this.d.jobsResource, jobName, { namespace: cj.metadata.namespace });
      if (!isControlledBy(created, cj)) throw e;
    }
    if (!inActive(created.metadata.uid) && !finishedCondition(created)) {
      status.active = [
        ...active(),
        { kind: 'Job', namespace: created.metadata.namespace, name: created.metadata.name, uid: created.metadata.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion },
      ];
    }
    status.lastScheduleTime = rfc3339(scheduled.getTime());
    changed = true;
    return { changed, requeueMs: nextCheck() };
  }

  /**
   * The latest scheduled time at or before `now` since the last schedule (or creation), upstream's
   * mostRecentScheduleTime: missed starts are estimated from the interval between two schedule times,
   * and more than 100 is "too many".
   */
  private mostRecentScheduleTime(cj: KubeObject, now: Date, sched: Schedule, zone: string | undefined, withDeadline: boolean) {
    const status = cj.status as Status;
    let earliest = timeMs(status.lastScheduleTime) ?? timeMs(cj.metadata.creationTimestamp) ?? now.getTime();
    const deadline = ((cj.spec ?? {}) as CronJobSpec).startingDeadlineSeconds;
    if (withDeadline && deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now.getTime() - deadline * 1000);
    const t1 = nextAfter(sched, new Date(earliest), zone);
    const t2 = t1 && nextAfter(sched, t1, zone);
    const result: { earliest: number; mostRecent?: Date; missed: boolean; manyMissed: boolean; error?: string } = { earliest, missed: false, manyMissed: false };
    if (!t1 || t1.getTime() > now.getTime()) return result;
    if (!t2 || t2.getTime() > now.getTime()) return { ...result, mostRecent: t1, missed: true };
    const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
    if (between < 1) return { ...result, error: 'time difference between two schedules is less than 1 second' };
    const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
    const missedCount = Math.floor(elapsed / between) + 1;
    // Jump close to now, then walk the last few schedule times.
    let t: Date | undefined = new Date(t1.getTime() + (missedCount - 2) * between * 1000);
    let mostRecent: Date | undefined;
    for (t = nextAfter(sched, t, zone); t && t.getTime() <= now.getTime(); t = nextAfter(sched, t, zone)) mostRecent = t;
    return { ...result, mostRecent: mostRecent ?? t1, missed: true, manyMissed: missedCount > 100 };
  }

  private nextScheduleDurationMs(cj: KubeObject, now: Date, sched: Schedule, zone: string | undefined): number {
    const r = this.mostRecentScheduleTime(cj, now, sched, zone, false);
    let from: number;
    if (r.error) from = now.getTime();
    else if (!r.mostRecent) from = r.missed ? now.getTime() : r.earliest;
    else from = r.mostRecent.getTime();
    const next = nextAfter(sched, new Date(from), zone);
    if (!next) return 24 * 3_600_000;
    return Math.max(1, next.getTime() + nextScheduleDeltaMs - now.getTime());
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
  private async cleanupFinishedJobs(cj: KubeObject, jobs: KubeObject[]): Promise<void> {
    const spec = (cj.spec ?? {}) as CronJobSpec;
    const limits = { Complete: spec.successfulJobsHistoryLimit, Failed: spec.failedJobsHistoryLimit };
    if (limits.Complete === undefined && limits.Failed === undefined) return;
    for (const kind of ['Complete', 'Failed'] as const) {
      const limit = limits[kind];
      if (limit === undefined || limit === null) continue;
      const finished = jobs.filter((j) => finishedCondition(j) === kind && !j.metadata.deletionTimestamp).sort(byStartTime);
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        try {
          await this.d.client.delete(this.d.jobsResource, j.metadata.name ?? '', { namespace: j.metadata.namespace, propagationPolicy: 'Background', preconditions: { uid: j.metadata.uid } });
          this.d.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
        } catch (e) {
          if (!isNotFound(e)) {
            this.d.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${String(e)}`);
            throw e;
          }
        }
      }
    }
  }
}

/** Oldest start first; Jobs that never started last; ties by name. */
function byStartTime(a: KubeObject, b: KubeObject): number {
  const ta = timeMs((a.status as Record<string, unknown> | undefined)?.startTime);
  const tb = timeMs((b.status as Record<string, unknown> | undefined)?.startTime);
  if (ta === undefined && tb !== undefined) return 1;
  if (ta !== undefined && tb === undefined) return -1;
  if (ta === tb) return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
  return (ta ?? 0) - (tb ?? 0);
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z of a UTC time: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
