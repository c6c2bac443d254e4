import {
  CompactedError,
  ConflictError,
  countWithPrefix,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Watch,
  type WatchHandlers,
} from '../store.js';
import { WatchHub } from '../watch-hub.js';

/** A Store held in memory, for tests and throwaway clusters. Same semantics as the durable backends. */
export class MemoryStore implements Store {
  private revision = 0;
  private compacted = 0;
  private readonly current = new Map<string, KeyValue>();
  /** Every event after `compacted`, in revision order. */
  private history: StoreEvent[] = [];
  private readonly hub = new WatchHub();
  private closed = false;

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    return this.current.get(key);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const at = opts.revision && opts.revision > 0 ? opts.revision : this.revision;
    if (at > this.revision) throw new FutureRevisionError(at, this.revision);
    let kvs: KeyValue[];
    if (at === this.revision) {
      kvs = [...this.current.values()].filter((kv) => kv.key.startsWith(prefix));
    } else {
      if (at < this.compacted) throw new CompactedError(at, this.compacted);
      kvs = this.valuesAt(prefix, at);
    }
    kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (opts.after !== undefined) kvs = kvs.filter((kv) => kv.key > opts.after!);
    const limit = opts.limit ?? 0;
    if (limit > 0 && kvs.length > limit) {
      return { kvs: kvs.slice(0, limit), revision: at, more: true, remaining: kvs.length - limit };
    }
    return { kvs, revision: at, more: false, remaining: 0 };
  }

  /** Rebuilds the values under `prefix` as of an older revision by undoing later history. */
  private valuesAt(prefix: string, at: number): KeyValue[] {
    const state = new Map<string, KeyValue | undefined>();
    for (const [k, v] of this.current) if (k.startsWith(prefix)) state.set(k, v);
    for (let i = this.history.length - 1; i >= 0 && this.history[i].kv.revision > at; i--) {
      const e = this.history[i];
      if (!e.kv.key.startsWith(prefix)) continue;
      if (e.type === 'delete') state.set(e.kv.key, { ...e.kv, revision: this.revisionBefore(e, i) });
      else state.set(e.kv.key, e.prevKv);
    }
    return [...state.values()].filter((v): v is KeyValue => v !== undefined);
  }

  private revisionBefore(deleteEvent: StoreEvent, index: number): number {
    for (let i = index - 1; i >= 0; i--) {
      const e = this.history[i];
      if (e.kv.key === deleteEvent.kv.key && e.type === 'put') return e.kv.revision;
    }
    return deleteEvent.kv.createRevision;
  }

  async count(prefix: string): Promise<number> {
    return countWithPrefix(this.current.keys(), prefix);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertOpen();
    if (this.current.has(key)) throw new KeyExistsError(key);
    const rev = ++this.revision;
    const kv: KeyValue = { key, value, revision: rev, createRevision: rev };
    this.current.set(key, kv);
    this.commit({ type: 'put', kv });
    return kv;
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    this.assertOpen();
    const prev = this.current.get(key);
    if (!prev) throw new KeyNotFoundError(key);
    if (prev.revision !== expectedRevision) throw new ConflictError(key, prev);
    const kv: KeyValue = { key, value, revision: ++this.revision, createRevision: prev.createRevision };
    this.current.set(key, kv);
    this.commit({ type: 'put', kv, prevKv: prev });
    return kv;
  }

  async delete(key: string, expectedRevision?: number): Promise<StoreEvent> {
    this.assertOpen();
    const prev = this.current.get(key);
    if (!prev) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && prev.revision !== expectedRevision) throw new ConflictError(key, prev);
    this.current.delete(key);
    const event: StoreEvent = { type: 'delete', kv: { ...prev, revision: ++this.revision }, prevKv: prev };
    this.commit(event);
    return event;
  }

  private commit(event: StoreEvent): void {
    this.history.push(event);
    this.hub.publish([event]);
    this.hub.progress(event.kv.revision);
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    this.assertOpen();
    if (afterRevision < this.compacted) throw new CompactedError(afterRevision, this.compacted);
    if (afterRevision > this.revision) throw new FutureRevisionError(afterRevision, this.revision);
    const missed = this.history.filter((e) => e.kv.revision > afterRevision && e.kv.key.startsWith(prefix));
    return this.hub.add(prefix, missed, handlers);
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    this.history = this.history.filter((e) => e.kv.revision > revision);
    this.compacted = revision;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.closeAll(new Error('store closed'));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store closed');
  }
}
