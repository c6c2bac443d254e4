import { isNotFound, type KubeObject } from '../../api/index.js';
import type { ApiClient, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../client/index.js';
import { splitKey } from '../../client/index.js';
import { jobSpec } from './job-pod.js';

/** `manager.settings['ttl-after-finished']`. */
export interface TtlSettings {
  now?: () => number;
}

/** When a Job finished (its Complete or Failed condition's transition), or undefined while it runs. */
export function finishedAtMs(job: KubeObject): number | undefined {
  const conditions = ((job.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] }).conditions ?? [];
  const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!done) return undefined;
  const t = Date.parse(done.lastTransitionTime ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/** Milliseconds until a finished Job with a TTL expires (<= 0: expired); undefined when no TTL applies. */
export function msUntilExpiry(job: KubeObject, now: number): number | undefined {
  const ttl = jobSpec(job).ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return undefined;
  const finished = finishedAtMs(job);
  if (finished === undefined) return undefined;
  return finished + ttl * 1000 - now;
}

/**
 * Deletes finished Jobs `ttlSecondsAfterFinished` after they finished, with their pods (foreground), as
 * upstream's TTL-after-finished controller. It re-reads the Job before deleting and deletes only that
 * version, so a TTL someone just extended is honoured.
 */
export class TtlAfterFinishedReconciler implements Reconciler {
  private readonly now: () => number;

  constructor(
    private readonly client: ApiClient,
    private readonly jobs: Informer,
    private readonly jobsResource: ResourceDescriptor,
    settings: TtlSettings = {},
  ) {
    this.now = settings.now ?? Date.now;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.jobs.store.get(key);
    if (!cached) return;
    const left = msUntilExpiry(cached, this.now());
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };
    const { namespace, name } = splitKey(key);
    let fresh: KubeObject;
    try {
      fresh = await this.client.get(this.jobsResource, name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const freshLeft = msUntilExpiry(fresh, this.now());
    if (freshLeft === undefined) return;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    try {
      await this.client.delete(this.jobsResource, name, {
        namespace,
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata.uid, resourceVersion: fresh.metadata.resourceVersion },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
