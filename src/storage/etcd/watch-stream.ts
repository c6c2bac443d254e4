import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';

/** One etcd watch kept alive across broken streams. Revisions here are etcd's own. */
export interface WatchRegistration {
  key: Buffer;
  rangeEnd: Buffer;
  /** etcd has created the watch (again, after a broken stream). */
  onCreated?(): void;
  /** Events of one revision, in order; the stream resumes after the last revision delivered. */
  onEvents(events: IEvent[]): void;
  /** etcd says this watch has seen everything up to `revision`. */
  onProgress(revision: number): void;
  /** History from the resume point is compacted away; the registration is dropped. */
  onCompacted(compactRevision: number): void;
  /** etcd refused the watch for another reason; the registration is dropped. */
  onCanceled(reason: string): void;
}

interface Entry {
  reg: WatchRegistration;
  /** The first revision not yet delivered: where a re-created watch starts. */
  nextRevision: number;
  /** The watch id on the current stream, when created there. */
  id: number | undefined;
  /** Stopped by its owner or canceled by etcd. */
  removed: boolean;
}

const minBackoffMs = 100;
const maxBackoffMs = 2000;

/**
 * The etcd watches of one store, multiplexed on one gRPC stream. etcd3's own Watcher resumes from the revision
 * in a response header, which can skip events still being replayed when the stream breaks; this one resumes
 * from the revision after the last event it delivered, so a broken stream loses and repeats nothing.
 */
export class WatchStream {
  private readonly entries = new Map<number, Entry>();
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  private connecting = false;
  private nextId = 1;
  private backoffMs = minBackoffMs;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Why the last attempt to (re)connect failed, for diagnostics. */
  lastError: Error | undefined;
  /** Answers to `requestProgress`: etcd has sent every event up to `revision` on this stream. */
  onBroadcastProgress: (revision: number) => void = () => {};

  constructor(private readonly client: WatchClient) {}

  /** Starts watching `reg`'s range from `startRevision` (etcd revision, inclusive). */
  add(reg: WatchRegistration, startRevision: number): () => void {
    const id = this.nextId++;
    const entry: Entry = { reg, nextRevision: startRevision, id: undefined, removed: false };
    this.entries.set(id, entry);
    if (this.stream) this.create(id, entry);
    else this.connect();
    return () => this.remove(id);
  }

  private remove(id: number): void {
    const entry = this.entries.get(id);
    if (!entry || entry.removed) return;
    entry.removed = true;
    this.entries.delete(id);
    if (this.stream && entry.id !== undefined) this.stream.write({ cancel_request: { watch_id: entry.id } });
  }

  /** Asks etcd for a progress answer on this stream (etcd 3.4+). */
  requestProgress(): void {
    this.stream?.write({ progress_request: {} });
  }

  get connected(): boolean {
    return this.stream !== undefined;
  }

  private create(id: number, entry: Entry): void {
    entry.id = id;
    this.stream!.write({
      create_request: {
        key: entry.reg.key,
        range_end: entry.reg.rangeEnd,
        start_revision: entry.nextRevision,
        prev_kv: true,
        progress_notify: true,
        watch_id: id,
      },
    });
  }

  private connect(): void {
    if (this.closed || this.stream || this.connecting || this.entries.size === 0) return;
    this.connecting = true;
    this.client
      .watch()
      .then((stream) => {
        this.connecting = false;
        if (this.closed) {
          stream.cancel();
          return;
        }
        this.stream = stream;
        stream.on('data', (res) => this.handle(stream, res));
        stream.on('error', (err) => this.broken(stream, err));
        stream.on('end', () => this.broken(stream, new Error('etcd watch stream ended')));
        for (const [id, entry] of this.entries) this.create(id, entry);
      })
      .catch((err: unknown) => {
        this.connecting = false;
        this.scheduleReconnect(err instanceof Error ? err : new Error(String(err)));
      });
  }

  private broken(stream: IDuplexStream<IWatchRequest, IWatchResponse>, err: Error): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    try {
      stream.cancel();
    } catch {
      // Already torn down.
    }
    for (const entry of this.entries.values()) entry.id = undefined;
    if (this.closed) return;
    this.scheduleReconnect(err);
  }

  private scheduleReconnect(err: Error): void {
    if (this.closed || this.reconnectTimer) return;
    this.lastError = err;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, this.backoffMs);
    this.reconnectTimer.unref?.();
    this.backoffMs = Math.min(maxBackoffMs, this.backoffMs * 2);
  }

  private handle(stream: IDuplexStream<IWatchRequest, IWatchResponse>, res: IWatchResponse): void {
    if (this.stream !== stream) return;
    const watchId = Number(res.watch_id);
    if (watchId === -1) {
      // An answer to requestProgress, for the whole stream.
      this.onBroadcastProgress(Number(res.header.revision));
      return;
    }
    const entry = this.entries.get(watchId);
    if (!entry || entry.id !== watchId) return;
    if (res.created && !res.canceled) {
      this.backoffMs = minBackoffMs;
      entry.reg.onCreated?.();
      return;
    }
    if (res.canceled) {
      this.entries.delete(watchId);
      entry.removed = true;
      const compacted = Number(res.compact_revision);
      if (compacted > 0) entry.reg.onCompacted(compacted);
      else entry.reg.onCanceled(res.cancel_reason || 'watch canceled by etcd');
      return;
    }
    if (res.events.length === 0) {
      // A periodic progress notification: etcd sends these only to watches that have caught up.
      const rev = Number(res.header.revision);
      if (rev >= entry.nextRevision) entry.nextRevision = rev + 1;
      entry.reg.onProgress(rev);
      return;
    }
    const last = Number(res.events[res.events.length - 1].kv.mod_revision);
    entry.nextRevision = last + 1;
    entry.reg.onEvents(res.events);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    this.entries.clear();
    if (stream) {
      try {
        stream.end();
        stream.cancel();
      } catch {
        // Already closed.
      }
    }
  }
}
