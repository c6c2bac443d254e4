import type { KubeObject } from '../api/index.js';
import { eventKey, type EventRecorder, type EventType } from '../client/index.js';

/** What controllers call to record an event; an `EventRecorder` or a `PacedRecorder`. */
export type EventSink = Pick<EventRecorder, 'event'>;

interface QueuedEvent {
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
  times: number;
  key: string;
}

/**
 * Hands events to an `EventRecorder` a few at a time, in order, instead of all at once. A thousand claims
 * arriving together make a thousand events within a second; each write the recorder starts at once needs
 * its own connection, and a burst of new TLS connections stalls the API server for every new connection
 * (10-20 s in the storage benchmark) while the volume writes wait behind them. Kubernetes' event
 * broadcaster likewise writes events in the background, one at a time, and drops events when its queue is
 * full; so does this one past `maxQueued` (counted in `dropped`), so that a long storm cannot grow it
 * without bound.
 *
 * @example
 * const events = new PacedRecorder(manager.recorder('persistentvolume-controller'));
 * events.event(claim, 'Normal', 'ExternalProvisioning', 'Waiting for a volume to be created ...');
 */
export class PacedRecorder implements EventSink {
  private readonly queue: QueuedEvent[] = [];
  /** The queued event of each object, type, reason and message, which repeats join instead of queueing again. */
  private readonly queuedByKey = new Map<string, QueuedEvent>();
  private draining: Promise<void> | undefined;
  /** Events dropped because `maxQueued` were already waiting. */
  dropped = 0;

  constructor(
    private readonly recorder: Pick<EventRecorder, 'event' | 'flush'>,
    private readonly batch = 8,
    private readonly maxQueued = 10_000,
  ) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`PacedRecorder batch must be a positive integer, not ${batch}`);
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError(`PacedRecorder maxQueued must be a positive integer, not ${maxQueued}`);
  }

  /** Queues an event; returns at once (see `flush`). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (type !== 'Normal' && type !== 'Warning') throw new TypeError(`Event type must be "Normal" or "Warning", not "${String(type)}"`);
    const key = eventKey(obj, type, reason, message);
    const queued = this.queuedByKey.get(key);
    if (queued) {
      queued.times++;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    const e = { obj, type, reason, message, times: 1, key };
    this.queue.push(e);
    this.queuedByKey.set(key, e);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Events queued and not yet handed to the recorder. */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once every event queued so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    await this.recorder.flush();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      for (const e of this.queue.splice(0, this.batch)) {
        this.queuedByKey.delete(e.key);
        this.recorder.event(e.obj, e.type, e.reason, e.message, e.times);
      }
      // The recorder never rejects; its flush resolves when this batch (and any repeat of it) is written.
      await this.recorder.flush();
    }
  }
}
