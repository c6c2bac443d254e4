import type { Pod } from 'kubernetes-types/core/v1.js';
import { eventMatches, type ClusterEvent, type ClusterEventWithHint } from '../framework/events.js';
import type { QueuedPodInfo } from '../framework/interfaces.js';
import { podInfo, podKey } from '../snapshot/pod-info.js';
import { KeyedHeap } from './keyed-heap.js';
import { Nominator } from './nominator.js';

export interface SchedulingQueueOptions {
  /** The activeQ order (the profiles' QueueSort plugin). */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** The events each plugin registered (all profiles merged). */
  events: ReadonlyMap<string, readonly ClusterEventWithHint[]>;
  now(): number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Pods left unschedulable this long are retried even if no event moved them (default 5 minutes). */
  maxInUnschedulableMs?: number;
}

/** Where a pod sits in the queue. */
export type QueueName = 'active' | 'backoff' | 'unschedulable' | 'gated';

const key = (q: QueuedPodInfo): string => q.info.key;

/**
 * The scheduling queue of kube-scheduler: activeQ (priority, then queue time), backoffQ (pods waiting
 * out an exponential backoff: initial × 2^(attempts-1), capped), and the unschedulable pods, which only
 * a cluster event registered by a plugin that rejected them (or the periodic flush) moves back.
 */
export class SchedulingQueue {
  private readonly active: KeyedHeap<QueuedPodInfo>;
  private readonly backoff = new KeyedHeap<QueuedPodInfo>(key, (a, b) => a.backoffExpiration < b.backoffExpiration);
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  /** Pods with scheduling gates: held until an update removes the gates. */
  private readonly gated = new Map<string, QueuedPodInfo>();
  /** Popped and not yet returned (being scheduled or bound). */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  readonly nominator = new Nominator();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;
  private waiters: (() => void)[] = [];
  /** Incremented on every cluster event; a pod remembers the value when popped. */
  private eventSeq = 0;
  private readonly poppedAt = new Map<string, number>();
  private closed = false;

  constructor(private readonly opts: SchedulingQueueOptions) {
    this.active = new KeyedHeap<QueuedPodInfo>(key, opts.less);
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 5 * 60_000;
  }

  get activeSize(): number {
    return this.active.size;
  }

  /** Counts per sub-queue, for metrics and tests. */
  sizes(): Record<QueueName, number> {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, gated: this.gated.size };
  }

  /** Which sub-queue holds the pod, if any. */
  where(k: string): QueueName | undefined {
    if (this.active.has(k)) return 'active';
    if (this.backoff.has(k)) return 'backoff';
    if (this.unschedulable.has(k)) return 'unschedulable';
    if (this.gated.has(k)) return 'gated';
    return undefined;
  }

  private newQueued(pod: Pod): QueuedPodInfo {
    const now = this.opts.now();
    return {
      info: podInfo(pod),
      timestamp: now,
      initialAttemptTimestamp: now,
      attempts: 0,
      unschedulablePlugins: new Set(),
      pendingPlugins: new Set(),
      backoffExpiration: 0,
    };
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const q = this.newQueued(pod);
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) this.nominator.add(q.info, nominated);
    if (pod.spec?.schedulingGates?.length) {
      this.gated.set(q.info.key, q);
      return;
    }
    this.pushActive(q);
  }

  private pushActive(q: QueuedPodInfo): void {
    this.active.push(q);
    if (this.waiters.length) {
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    }
  }

  /** The next pod to schedule, or undefined when activeQ is empty. */
  pop(): QueuedPodInfo | undefined {
    const q = this.active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.inFlight.set(q.info.key, q);
    this.poppedAt.set(q.info.key, this.eventSeq);
    return q;
  }

  /** Resolves when activeQ has a pod (or the queue is closed). */
  wait(): Promise<void> {
    if (this.active.size > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The pod's attempt is over (scheduled, or requeued with one of the methods below). */
  done(k: string): void {
    this.inFlight.delete(k);
    this.poppedAt.delete(k);
  }

  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoffMs - d) return this.maxBackoffMs;
      d += d;
    }
    return Math.min(d, this.maxBackoffMs);
  }

  /**
   * Returns a pod whose attempt failed: to the unschedulable pods when plugins rejected it (an event
   * will move it), or straight to backoffQ after an error.
   */
  addUnschedulable(q: QueuedPodInfo, opts: { error?: boolean; pod?: Pod } = {}): void {
    this.inFlight.delete(q.info.key);
    // A cluster event during the attempt (a preemption victim leaving, a node added) may already have
    // made room; such a pod waits out its backoff instead of waiting for another event (upstream's
    // moveRequestCycle).
    const missedEvent = (this.poppedAt.get(q.info.key) ?? this.eventSeq) < this.eventSeq;
    this.poppedAt.delete(q.info.key);
    if (opts.pod) q.info = podInfo(opts.pod);
    const now = this.opts.now();
    q.timestamp = now;
    q.backoffExpiration = now + this.backoffDuration(q.attempts);
    if (opts.error || missedEvent) this.backoff.push(q);
    else this.unschedulable.set(q.info.key, q);
  }

  /** An update of a pending pod: its new version replaces the old; a real change gives it a new chance. */
  update(oldPod: Pod | undefined, pod: Pod): void {
    const k = podKey(pod);
    const nominated = pod.status?.nominatedNodeName;
    const info = podInfo(pod);
    if (nominated) this.nominator.add(info, nominated);
    for (const h of [this.active, this.backoff]) {
      const q = h.get(k);
      if (q) {
        q.info = info;
        h.push(q);
        return;
      }
    }
    const gated = this.gated.get(k);
    if (gated) {
      gated.info = info;
      if (!pod.spec?.schedulingGates?.length) {
        this.gated.delete(k);
        this.pushActive(gated);
      }
      return;
    }
    const u = this.unschedulable.get(k);
    if (u) {
      u.info = info;
      if (oldPod && !specOrLabelsChanged(oldPod, pod)) return;
      this.unschedulable.delete(k);
      this.requeue(u);
      return;
    }
    const f = this.inFlight.get(k);
    if (f) {
      f.info = info;
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod | string): void {
    const k = typeof pod === 'string' ? pod : podKey(pod);
    this.active.delete(k);
    this.backoff.delete(k);
    this.unschedulable.delete(k);
    this.gated.delete(k);
    this.inFlight.delete(k);
    this.poppedAt.delete(k);
    this.nominator.delete(k);
  }

  /** Back to activeQ, or to backoffQ while its backoff lasts. */
  private requeue(q: QueuedPodInfo): void {
    if (q.backoffExpiration > this.opts.now()) this.backoff.push(q);
    else {
      q.timestamp = this.opts.now();
      this.pushActive(q);
    }
  }

  /**
   * A cluster event happened: unschedulable pods rejected by a plugin that registered this event (and
   * whose hint, if any, says the change may help) move to activeQ or backoffQ. Returns how many moved.
   */
  onEvent(event: ClusterEvent, oldObj?: unknown, newObj?: unknown): number {
    if (this.inFlight.size) this.eventSeq++;
    let moved = 0;
    for (const [k, q] of this.unschedulable) {
      if (!this.worthRequeuing(q, event, oldObj, newObj)) continue;
      this.unschedulable.delete(k);
      this.requeue(q);
      moved++;
    }
    return moved;
  }

  private worthRequeuing(q: QueuedPodInfo, event: ClusterEvent, oldObj: unknown, newObj: unknown): boolean {
    if (event.resource === '*') return true;
    const rejectors = q.unschedulablePlugins.size + q.pendingPlugins.size;
    if (rejectors === 0) return true;
    for (const set of [q.unschedulablePlugins, q.pendingPlugins]) {
      for (const plugin of set) {
        for (const reg of this.opts.events.get(plugin) ?? []) {
          if (!eventMatches(reg.event, event)) continue;
          if (!reg.hint) return true;
          try {
            if (reg.hint(q.info.pod, oldObj, newObj) === 'Queue') return true;
          } catch {
            return true; // a failing hint must not strand the pod
          }
        }
      }
    }
    return false;
  }

  /** Moves every unschedulable pod back (upstream MoveAllToActiveOrBackoffQueue with a wildcard event). */
  moveAll(): void {
    for (const [k, q] of this.unschedulable) {
      this.unschedulable.delete(k);
      this.requeue(q);
    }
  }

  /** Periodic work: finished backoffs to activeQ; pods unschedulable for too long back too. */
  tick(): void {
    const now = this.opts.now();
    for (;;) {
      const top = this.backoff.peek();
      if (!top || top.backoffExpiration > now) break;
      this.backoff.pop();
      top.timestamp = now;
      this.pushActive(top);
    }
    for (const [k, q] of this.unschedulable) {
      if (now - q.timestamp < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(k);
      this.requeue(q);
    }
  }

  /** Every pending pod the queue holds, with where it is. */
  pending(): { pod: Pod; queue: QueueName }[] {
    const out: { pod: Pod; queue: QueueName }[] = [];
    for (const q of this.active.values()) out.push({ pod: q.info.pod, queue: 'active' });
    for (const q of this.backoff.values()) out.push({ pod: q.info.pod, queue: 'backoff' });
    for (const q of this.unschedulable.values()) out.push({ pod: q.info.pod, queue: 'unschedulable' });
    for (const q of this.gated.values()) out.push({ pod: q.info.pod, queue: 'gated' });
    return out;
  }
}

/** Whether an update could change scheduling: anything but status and bookkeeping metadata. */
function specOrLabelsChanged(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels);
}
