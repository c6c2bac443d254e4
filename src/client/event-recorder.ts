import { isNotFound, type KubeObject } from '../api/index.js';
import type { ApiClient } from './api-client.js';
import { defaultLogger, type Logger } from './informer.js';
import type { ResourceDescriptor } from './resource-descriptor.js';
import { rfc3339 } from '../api/rfc3339.js';

const events: ResourceDescriptor = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** The reporting component, shown in `kubectl describe` as "From" (`deployment-controller`). */
  component: string;
  /** The reporting instance (host name), optional. */
  host?: string;
  /** Repeats of one event on one object within this window raise its count; 5 minutes by default. */
  aggregateWindowMs?: number;
  logger?: Logger;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastMs: number;
}

/** What makes repeats one event: the object, type, reason and message (Kubernetes' aggregation key). */
export function eventKey(obj: KubeObject, type: EventType, reason: string, message: string): string {
  const m = obj.metadata;
  return JSON.stringify([obj.apiVersion, obj.kind, m.namespace ?? '', m.name ?? '', m.uid ?? '', type, reason, message]);
}

/**
 * Writes core/v1 Events about objects. The same type, reason and message on the same object within
 * the aggregation window update one Event (count and lastTimestamp) instead of adding another, as
 * Kubernetes' event correlator does. Recording never throws; failures are logged.
 *
 * @example
 * recorder.event(deployment, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-7d9 to 3');
 */
export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  /** One write at a time per aggregation key, so quick repeats aggregate instead of racing. */
  private readonly pending = new Map<string, Promise<void>>();
  /** Per aggregation key, the write queued behind `pending` that has not started, and how many events it carries. */
  private readonly unstarted = new Map<string, { times: number }>();
  private readonly windowMs: number;
  private readonly log: Logger;
  private sequence = 0;
  private pruneAt = 4096;

  constructor(
    private readonly client: ApiClient,
    private readonly opts: EventRecorderOptions,
  ) {
    this.windowMs = opts.aggregateWindowMs ?? 5 * 60_000;
    this.log = opts.logger ?? defaultLogger;
  }

  /**
   * Records an event (`times` occurrences of it); returns at once (see `flush`). Repeats arriving while
   * an earlier write of the same event has not started join it: one write raises the count by all of
   * them, where one PATCH per repeat would only load the API server with the same information.
   */
  event(obj: KubeObject, type: EventType, reason: string, message: string, times = 1): void {
    if (type !== 'Normal' && type !== 'Warning') throw new TypeError(`Event type must be "Normal" or "Warning", not "${String(type)}"`);
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`An event happens a whole number of times >= 1, not ${times}`);
    const m = obj.metadata;
    const key = eventKey(obj, type, reason, message);
    const waiting = this.unstarted.get(key);
    if (waiting) {
      waiting.times += times;
      return;
    }
    const write = { times };
    this.unstarted.set(key, write);
    const previous = this.pending.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => {
        this.unstarted.delete(key);
        return this.write(key, obj, type, reason, message, write.times);
      })
      .catch((e) => this.log(`recording event ${reason} for ${obj.kind} "${m.name}" failed`, e))
      .finally(() => {
        if (this.pending.get(key) === next) this.pending.delete(key);
      });
    this.pending.set(key, next);
  }

  /** Resolves once every event recorded so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending.values()]);
  }

  private async write(key: string, obj: KubeObject, type: EventType, reason: string, message: string, times: number): Promise<void> {
    const now = Date.now();
    const seen = this.seen.get(key);
    if (seen && now - seen.lastMs < this.windowMs) {
      try {
        await this.client.patch(events, seen.name, { count: seen.count + times, lastTimestamp: rfc3339(now) }, { type: 'merge', namespace: seen.namespace });
        seen.count += times;
        seen.lastMs = now;
        return;
      } catch (e) {
        // Someone deleted the event (or it expired): start a new one.
        if (!isNotFound(e)) throw e;
      }
    }
    const created = await this.client.create(events, { ...this.build(obj, type, reason, message, now), count: times });
    this.seen.set(key, { name: created.metadata.name!, namespace: created.metadata.namespace!, count: times, lastMs: now });
    this.prune(now);
  }

  private build(obj: KubeObject, type: EventType, reason: string, message: string, now: number): KubeObject {
    const m = obj.metadata;
    // Events about cluster-scoped objects live in "default", as Kubernetes puts them.
    const namespace = m.namespace || 'default';
    const unique = (BigInt(now) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16);
    const involved: Record<string, string> = { kind: obj.kind, name: m.name ?? '', apiVersion: obj.apiVersion };
    if (m.namespace) involved.namespace = m.namespace;
    if (m.uid) involved.uid = m.uid;
    if (m.resourceVersion) involved.resourceVersion = m.resourceVersion;
    const source: Record<string, string> = { component: this.opts.component };
    if (this.opts.host) source.host = this.opts.host;
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${m.name ?? 'unknown'}.${unique}`, namespace },
      involvedObject: involved,
      reason,
      message,
      source,
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    };
  }

  /**
   * Forgets events older than the window so the cache does not grow without bound. A pass looks at every
   * entry, so the next one waits until the cache has doubled: thousands of live events (one per new pod)
   * would otherwise make every create scan them all.
   */
  private prune(now: number): void {
    if (this.seen.size < this.pruneAt) return;
    for (const [k, s] of this.seen) if (now - s.lastMs >= this.windowMs) this.seen.delete(k);
    this.pruneAt = Math.max(4096, this.seen.size * 2);
  }
}
