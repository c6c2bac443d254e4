import type { KubeObject } from '../../api/index.js';
import type { EventRecorder, EventType } from '../../client/index.js';

interface QueuedEvent {
  component: string;
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
}

export interface EventSinkOptions {
  /** Events waiting to be written; more are dropped, as Kubernetes' event broadcaster drops when its queue is full. 1000 by default. */
  maxQueued?: number;
  /** Events written at once; 4 by default (kube-scheduler's broadcaster writes one at a time). */
  batch?: number;
}

/**
 * Hands events to the recorders a batch at a time behind a bounded queue. A scheduler placing thousands
 * of pods a second would otherwise send one Event create per pod at once, competing with its bindings
 * for the API server; like kube-scheduler's broadcaster, events are best effort and dropped when the
 * queue is full.
 */
export class EventSink {
  private readonly queue: QueuedEvent[] = [];
  private readonly maxQueued: number;
  private readonly batch: number;
  private draining: Promise<void> | undefined;
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly recorder: (component: string) => EventRecorder,
    opts: EventSinkOptions = {},
  ) {
    this.maxQueued = opts.maxQueued ?? 1000;
    this.batch = opts.batch ?? 4;
  }

  event(component: string, obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push({ component, obj, type, reason, message });
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once every queued event has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batch);
      const used = new Set<EventRecorder>();
      for (const e of batch) {
        const r = this.recorder(e.component);
        r.event(e.obj, e.type, e.reason, e.message);
        used.add(r);
      }
      await Promise.all([...used].map((r) => r.flush()));
    }
  }
}
