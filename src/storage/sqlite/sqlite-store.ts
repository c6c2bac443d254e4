import Database from 'better-sqlite3';
import {
  CompactedError,
  ConflictError,
  countWithPrefix,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  prefixEnd,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Watch,
  type WatchHandlers,
} from '../store.js';
import { WatchHub } from '../watch-hub.js';
import { defaultCheckpointLimits, type CheckpointLimits } from './checkpoint-schedule.js';
import { createLogSchema, type LogRowTuple } from './log-schema.js';
import { inlineLogWriter, threadLogWriter, type LogWriter } from './log-writer.js';
import { StateLock } from './state-lock.js';

/** Where each live key stands, kept in memory so preconditions never touch the disk. */
interface KeyState {
  revision: number;
  createRevision: number;
}

interface PendingWrite {
  event: StoreEvent;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A batch handed to the log writer and not yet acknowledged. */
interface CommitInFlight {
  writes: PendingWrite[];
  /** Settles once the batch is answered, whichever way. */
  done: Promise<void>;
}

/**
 * How many batches may be with the writer at once. With two, the next batch waits at the writer while
 * the event loop answers the last one, so the writer need not wait for the event loop to hand it over.
 */
const maxCommitsInFlight = 2;

interface LogRow {
  key: string;
  rev: number;
  create_rev: number;
  prev_rev: number;
  deleted: number;
  value: string;
}

export interface SqliteStoreOptions {
  /** fsync every commit (default). Off trades power-loss durability for speed; kill -9 stays safe. */
  durable?: boolean;
  /**
   * Commit on a thread of its own (default), so the event loop serves requests while the disk syncs;
   * false commits on the calling thread.
   */
  writerThread?: boolean;
  /** When the writer thread's WAL is checkpointed (tests set small limits); the default suits any size. */
  checkpointLimits?: CheckpointLimits;
}

/**
 * A Store on SQLite, shaped like kine: an append-only log keyed by revision, with the current revision
 * of each key held in memory. Writes arriving in one turn of the event loop share one transaction (group
 * commit) and are acknowledged together once it is durable.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly keys = new Map<string, KeyState>();
  private readonly hub = new WatchHub();
  private revision = 0;
  private compacted = 0;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  /**
   * The batches with the writer, oldest first, readable before they are acknowledged. While the most
   * allowed are out, writes wait and share the next batch.
   */
  private inFlight: CommitInFlight[] = [];
  private readonly writer: LogWriter;
  /** This store's claim on the file (see StateLock). */
  private readonly lock: StateLock | undefined;
  private closed = false;

  private readonly selectByRev: Database.Statement<[number], LogRow>;
  private readonly selectHistory: Database.Statement<[number, string, string], LogRow>;

  constructor(path: string, opts: SqliteStoreOptions = {}) {
    this.lock = path === ':memory:' || path === '' ? undefined : StateLock.acquire(path);
    try {
      // This connection reads; the log writer owns the one that writes.
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('cache_size = -65536');
      createLogSchema(this.db);
      const durable = opts.durable !== false;
      this.writer =
        opts.writerThread === false
          ? inlineLogWriter(path, durable)
          : threadLogWriter(path, durable, opts.checkpointLimits ?? defaultCheckpointLimits);
      this.selectByRev = this.db.prepare('SELECT * FROM log WHERE rev = ?');
      this.selectHistory = this.db.prepare('SELECT * FROM log WHERE rev > ? AND key >= ? AND key < ? ORDER BY rev');
      this.load();
    } catch (e) {
      this.lock?.release();
      throw e;
    }
  }

  private load(): void {
    const meta = this.db.prepare("SELECT value FROM meta WHERE name = 'compacted'").get() as { value: number } | undefined;
    this.compacted = meta?.value ?? 0;
    const top = this.db.prepare('SELECT max(rev) AS rev FROM log').get() as { rev: number | null };
    this.revision = Math.max(top.rev ?? 0, this.compacted);
    const rows = this.db
      .prepare(
        `SELECT l.key, l.rev, l.create_rev, l.deleted FROM log l
         JOIN (SELECT key, max(rev) AS rev FROM log GROUP BY key) latest ON l.rev = latest.rev`,
      )
      .iterate() as IterableIterator<Pick<LogRow, 'key' | 'rev' | 'create_rev' | 'deleted'>>;
    for (const r of rows) {
      if (!r.deleted) this.keys.set(r.key, { revision: r.rev, createRevision: r.create_rev });
    }
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    await this.settled();
    const state = this.keys.get(key);
    if (!state) return undefined;
    const row = this.selectByRev.get(state.revision);
    return row ? toKeyValue(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    await this.settled();
    const at = opts.revision && opts.revision > 0 ? opts.revision : this.revision;
    if (at > this.revision) throw new FutureRevisionError(at, this.revision);
    if (at < this.compacted) throw new CompactedError(at, this.compacted);
    const start = opts.after !== undefined && opts.after >= prefix ? opts.after : undefined;
    if (at === this.revision) return this.listCurrent(prefix, start, opts.limit ?? 0);
    const end = prefixEnd(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const range = start === undefined ? 'l.key >= ? AND l.key < ?' : 'l.key > ? AND l.key < ?';
    const latestAt = `l.rev = (SELECT max(rev) FROM log m WHERE m.key = l.key AND m.rev <= ?) AND l.deleted = 0`;
    const rows = this.db
      .prepare(`SELECT l.* FROM log l WHERE ${range} AND ${latestAt} ORDER BY l.key LIMIT ?`)
      .all(start ?? prefix, end, at, limit === -1 ? -1 : limit + 1) as LogRow[];
    const more = limit !== -1 && rows.length > limit;
    const kvs = (more ? rows.slice(0, limit) : rows).map(toKeyValue);
    let remaining = 0;
    if (more) {
      const last = kvs[kvs.length - 1].key;
      const counted = this.db
        .prepare(`SELECT count(*) AS n FROM log l WHERE l.key > ? AND l.key < ? AND ${latestAt}`)
        .get(last, end, at) as { n: number };
      remaining = counted.n;
    }
    return { kvs, revision: at, more, remaining };
  }

  /** The current values under a prefix: the key index says which rows, each read by its revision. */
  private async listCurrent(prefix: string, after: string | undefined, limit: number): Promise<ListResult> {
    // The revisions are taken now, so the result is the state of this moment even though reading yields.
    const revision = this.revision;
    const entries: [string, number][] = [];
    for (const [k, state] of this.keys) if (k.startsWith(prefix) && (after === undefined || k > after)) entries.push([k, state.revision]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const take = limit > 0 ? Math.min(limit, entries.length) : entries.length;
    const kvs: KeyValue[] = [];
    for (let i = 0; i < take; i++) {
      const row = this.selectByRev.get(entries[i][1]);
      if (row) kvs.push(toKeyValue(row));
      // A large resource is read in slices so other requests are served in between.
      if ((i & 1023) === 1023) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const remaining = entries.length - take;
    return { kvs, revision, more: remaining > 0, remaining };
  }

  async count(prefix: string): Promise<number> {
    return countWithPrefix(this.keys.keys(), prefix);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertOpen();
    if (this.keys.has(key)) throw new KeyExistsError(key);
    const rev = ++this.revision;
    const kv: KeyValue = { key, value, revision: rev, createRevision: rev };
    this.keys.set(key, { revision: rev, createRevision: rev });
    await this.enqueue({ type: 'put', kv });
    return kv;
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    this.assertOpen();
    const state = this.keys.get(key);
    if (!state) throw new KeyNotFoundError(key);
    if (state.revision !== expectedRevision) throw new ConflictError(key, await this.currentValue(key));
    const kv: KeyValue = { key, value, revision: ++this.revision, createRevision: state.createRevision };
    const prevKv: KeyValue = { key, value: '', revision: state.revision, createRevision: state.createRevision };
    this.keys.set(key, { revision: kv.revision, createRevision: kv.createRevision });
    await this.enqueue({ type: 'put', kv, prevKv });
    return kv;
  }

  async delete(key: string, expectedRevision?: number): Promise<StoreEvent> {
    this.assertOpen();
    const state = this.keys.get(key);
    if (!state) throw new KeyNotFoundError(key);
    if (expectedRevision !== undefined && state.revision !== expectedRevision) {
      throw new ConflictError(key, await this.currentValue(key));
    }
    // The deleted value is read before the delete is queued, so no later write can intervene.
    const row = this.readPendingOrStored(state.revision);
    const prevKv: KeyValue = { key, value: row, revision: state.revision, createRevision: state.createRevision };
    this.keys.delete(key);
    const event: StoreEvent = { type: 'delete', kv: { ...prevKv, revision: ++this.revision }, prevKv };
    await this.enqueue(event);
    return event;
  }

  /** The value written at `rev`, whether still queued or already committed. */
  private readPendingOrStored(rev: number): string {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const e = this.pending[i].event;
      if (e.kv.revision === rev) return e.kv.value;
    }
    for (let b = this.inFlight.length - 1; b >= 0; b--) {
      for (const w of this.inFlight[b].writes) if (w.event.kv.revision === rev) return w.event.kv.value;
    }
    return this.selectByRev.get(rev)?.value ?? '';
  }

  private async currentValue(key: string): Promise<KeyValue> {
    const state = this.keys.get(key)!;
    return { key, value: this.readPendingOrStored(state.revision), revision: state.revision, createRevision: state.createRevision };
  }

  private enqueue(event: StoreEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight.length >= maxCommitsInFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /**
   * Hands every queued write to the writer as one transaction; once it is durable, publishes and
   * acknowledges them in order. Batches are answered in the order they were handed over.
   */
  private async flush(): Promise<void> {
    if (this.pending.length === 0 || this.inFlight.length >= maxCommitsInFlight) return;
    const batch = this.pending;
    this.pending = [];
    const rows: LogRowTuple[] = batch.map(({ event: { type, kv, prevKv } }) => [
      kv.revision,
      kv.key,
      kv.createRevision,
      prevKv?.revision ?? 0,
      type === 'delete' ? 1 : 0,
      kv.value,
    ]);
    let settle!: () => void;
    const entry: CommitInFlight = { writes: batch, done: new Promise<void>((r) => (settle = r)) };
    this.inFlight.push(entry);
    try {
      await this.writer.commit(rows);
    } catch (err) {
      // A batch that is no longer in flight was already failed along with an earlier one.
      if (this.inFlight[0] === entry) this.failFromHere(err instanceof Error ? err : new Error(String(err)));
      return;
    } finally {
      settle();
    }
    this.inFlight.shift();
    // The writes that queued meanwhile go to the writer now, before this batch is published and answered.
    if (this.pending.length > 0) void this.flush();
    this.hub.publish(batch.map((w) => w.event));
    this.hub.progress(batch[batch.length - 1].event.kv.revision);
    for (const w of batch) w.resolve();
  }

  /**
   * The oldest batch in flight failed. Nothing in it is durable, and every write after it was checked
   * against a state that included it: all of them fail, the key index is rebuilt from disk, and the writer,
   * which refuses the batches still on their way to it, is told to take commits again.
   */
  private failFromHere(failure: Error): void {
    const failed = [...this.inFlight.flatMap((b) => b.writes), ...this.pending];
    this.inFlight = [];
    this.pending = [];
    // Their callers hear of it first, so that a failing reload below cannot leave them waiting.
    for (const w of failed) w.reject(failure);
    void this.writer.resume().catch(() => undefined);
    this.keys.clear();
    this.load();
  }

  /** Resolves when every write queued so far is committed. */
  private async settled(): Promise<void> {
    while (this.flushScheduled || this.inFlight.length > 0 || this.pending.length > 0) {
      if (this.inFlight.length > 0) await this.inFlight[this.inFlight.length - 1].done;
      else await new Promise((r) => setImmediate(r));
    }
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    this.assertOpen();
    if (afterRevision < this.compacted) throw new CompactedError(afterRevision, this.compacted);
    if (afterRevision > this.revision) throw new FutureRevisionError(afterRevision, this.revision);
    // Queued writes are published when they commit, so history covers only committed revisions.
    const rows = afterRevision < this.committedRevision() ? this.selectHistory.all(afterRevision, prefix, prefixEnd(prefix)) : [];
    const history: StoreEvent[] = rows.map((r) => {
      const kv = toKeyValue(r);
      if (r.deleted) return { type: 'delete', kv, prevKv: { ...kv, revision: r.prev_rev } };
      return { type: 'put', kv, prevKv: r.prev_rev ? { key: r.key, value: '', revision: r.prev_rev, createRevision: r.create_rev } : undefined };
    });
    return this.hub.add(prefix, history, handlers);
  }

  /** The newest revision whose commit is acknowledged, so its rows can be read back. */
  private committedRevision(): number {
    const first = this.inFlight[0]?.writes[0]?.event ?? this.pending[0]?.event;
    return first ? first.kv.revision - 1 : this.revision;
  }

  async compact(revision: number): Promise<void> {
    await this.settled();
    if (revision <= this.compacted) return;
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    await this.writer.compact(revision);
    this.compacted = revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.settled();
    this.closed = true;
    this.hub.closeAll(new Error('store closed'));
    await this.writer.close();
    this.db.close();
    this.lock?.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store closed');
  }
}

function toKeyValue(r: LogRow): KeyValue {
  return { key: r.key, value: r.value, revision: r.rev, createRevision: r.create_rev };
}
