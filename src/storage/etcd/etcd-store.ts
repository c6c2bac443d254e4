import { Etcd3, type IEvent, type IKeyValue, type IOptions, type IRangeResponse } from 'etcd3';
import {
  CompactedError,
  ConflictError,
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
import { classifyEtcdError, RequestTooLargeError, StorageQuotaExceededError, StorageUnavailableError } from './etcd-errors.js';
import { WatchStream } from './watch-stream.js';

export interface EtcdStoreOptions {
  /** Client URLs of the etcd members, e.g. `http://127.0.0.1:2379` (https for TLS). */
  endpoints: string[];
  /** PEM of the CA that signed etcd's serving certificate (TLS). */
  ca?: string | Buffer;
  /** PEM client certificate and key, for etcd's --client-cert-auth. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Put before every key (`/cluster-a` stores `/cluster-a/registry/...`) so clusters can share one etcd. */
  keyPrefix?: string;
  /** etcd's --max-request-bytes; larger writes fail before they are sent (default 1.5 MiB, etcd's default). */
  maxRequestBytes?: number;
  /** Deadline of each unary call to etcd (default 10 s). */
  requestTimeoutMs?: number;
  /**
   * Compact history this often, to the revision seen one interval earlier (default 0: never, because Wharf's
   * API server compacts every store on its own schedule).
   */
  compactIntervalMs?: number;
  /**
   * Recent events kept in memory so watchers start without asking etcd (default 1,000: the API server's watch
   * caches start from a LIST a moment old and keep their own longer history).
   */
  historySize?: number;
}

/**
 * etcd's first revision is its empty state (a fresh etcd answers revision 1 before any write); Wharf's
 * empty store is revision 0. Every revision crossing this module is shifted by one, the same on every API
 * server, so resourceVersion 1 is the first write as on the other backends.
 */
const revisionOffset = 1;
const defaultMaxRequestBytes = 1.5 * 1024 * 1024;
const listPageSize = 5000;
/** How long a write waits to see its own event before it is acknowledged anyway (it is durable already). */
const ownEventWaitMs = 10_000;
/** How long a consistent read waits for the local event stream to catch up with etcd. */
const catchUpWaitMs = 5000;

type Policy = ReturnType<NonNullable<NonNullable<IOptions['faultHandling']>['host']>>;

/**
 * etcd3's default policies open a circuit breaker after three failures and keep calls failing for five
 * seconds after etcd is back; Wharf reports each failure as it comes (503) and tries again on the next call.
 * `attempts` > 1 retries a call that found its member unreachable, which the pool sends to another member.
 */
function passThrough(attempts: number): Policy {
  const policy = {
    execute: async <T>(fn: (ctx: { signal: AbortSignal }) => PromiseLike<T> | T): Promise<T> => {
      for (let i = 1; ; i++) {
        try {
          return await fn({ signal: new AbortController().signal });
        } catch (e) {
          if (i >= attempts || classifyEtcdError(e).kind !== 'unavailable') throw e;
        }
      }
    },
    onSuccess: () => ({ dispose: () => {} }),
    onFailure: () => ({ dispose: () => {} }),
  };
  return policy as unknown as Policy;
}

interface Waiter {
  revision: number;
  resolve: () => void;
}

/**
 * A Store on etcd's v3 API. Reads and writes go to etcd; one etcd watch over the store's keys (the mirror)
 * feeds every local watcher, keeps a window of recent events so watchers start from memory, and lets a write
 * resolve only after its own event was delivered, as the other backends do. revision = mod_revision - 1.
 */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly keyPrefix: string;
  private readonly rootKey: Buffer;
  private readonly rootEnd: Buffer;
  private readonly endpoints: string;
  private readonly maxRequestBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly historySize: number;
  private readonly watches: WatchStream;
  private readonly hub = new WatchHub();
  private readyPromise: Promise<void> | undefined;
  private ready = false;
  /** Every event up to this revision has been delivered by the mirror. */
  private mirrorRevision = 0;
  /** Recent events in revision order: every event after `historyFloor` is here. */
  private history: StoreEvent[] = [];
  private historyFloor = 0;
  private compacted = 0;
  private waiters: Waiter[] = [];
  /** Consistent reads waiting for etcd to confirm the mirror has missed nothing up to their revision. */
  private progressWaiters: Waiter[] = [];
  private stopMirror: (() => void) | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private compactTarget = 0;
  private revisionRead: Promise<number> | undefined;
  private nextRevisionRead: Promise<number> | undefined;
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    if (opts.endpoints.length === 0) throw new TypeError('etcd store needs at least one endpoint');
    this.endpoints = opts.endpoints.join(',');
    this.keyPrefix = (opts.keyPrefix ?? '').replace(/\/+$/, '');
    if (this.keyPrefix && !this.keyPrefix.startsWith('/')) throw new TypeError(`etcd key prefix "${opts.keyPrefix}" must start with /`);
    // Wharf keys start with "/", so the store's keys are exactly those under `${keyPrefix}/`.
    this.rootKey = this.keyPrefix ? Buffer.from(`${this.keyPrefix}/`) : Buffer.from([0]);
    this.rootEnd = this.keyPrefix ? Buffer.from(prefixEnd(`${this.keyPrefix}/`)) : Buffer.from([0]);
    this.maxRequestBytes = opts.maxRequestBytes ?? defaultMaxRequestBytes;
    this.historySize = opts.historySize ?? 1000;
    const timeout = (this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000);
    const pem = (v: string | Buffer | undefined) => (v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v));
    const tls = opts.ca !== undefined || opts.cert !== undefined;
    this.client = new Etcd3({
      hosts: opts.endpoints,
      credentials: tls
        ? { rootCertificate: pem(opts.ca) as Buffer, certChain: pem(opts.cert), privateKey: pem(opts.key) }
        : undefined,
      grpcOptions: {
        // A LIST of a large resource easily passes grpc's 4 MiB default.
        'grpc.max_receive_message_length': -1,
        'grpc.max_send_message_length': -1,
        // Notice a member that went away without closing the connection (power loss, network cut).
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5000,
      },
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
      faultHandling: { host: () => passThrough(1), global: passThrough(opts.endpoints.length) },
    });
    this.watches = new WatchStream(this.client.watchClient);
    this.watches.onBroadcastProgress = (rev) => this.confirmProgress(rev);
    const interval = opts.compactIntervalMs ?? 0;
    if (interval > 0) {
      this.compactTimer = setInterval(() => this.compactPeriodically(), interval);
      this.compactTimer.unref();
    }
  }

  /** Opens a store and waits until etcd answers (rejecting with StorageUnavailableError if it does not). */
  static async open(opts: EtcdStoreOptions): Promise<EtcdStore> {
    const store = new EtcdStore(opts);
    try {
      await store.whenReady();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  /** Learns the current and compacted revisions and starts the mirror; tried again on the next call if etcd is down. */
  whenReady(): Promise<void> {
    this.assertOpen();
    this.readyPromise ??= this.startMirror().then(
      () => {
        this.ready = true;
      },
      (err: unknown) => {
        this.readyPromise = undefined;
        throw err;
      },
    );
    return this.readyPromise;
  }

  private async startMirror(): Promise<void> {
    const res = await this.call(() => this.client.kv.range({ key: this.rootKey, count_only: true }));
    const etcdRevision = Number(res.header.revision);
    this.compacted = Math.max(this.compacted, await this.findCompacted(etcdRevision));
    const base = etcdRevision - revisionOffset;
    this.mirrorRevision = Math.max(this.mirrorRevision, base);
    this.history = [];
    this.historyFloor = base;
    this.compactTarget = base;
    let created!: () => void;
    let failed!: (err: Error) => void;
    const running = new Promise<void>((resolve, reject) => {
      created = resolve;
      failed = reject;
    });
    let starting = true;
    const lost = (err: Error) => {
      if (starting) failed(err);
      else this.mirrorLost(err);
    };
    this.stopMirror = this.watches.add(
      {
        key: this.rootKey,
        rangeEnd: this.rootEnd,
        onCreated: () => created(),
        onEvents: (events) => this.mirrorEvents(events),
        onProgress: (rev) => this.mirrorProgress(rev),
        onCompacted: (rev) => lost(new CompactedError(this.mirrorRevision, rev - revisionOffset)),
        onCanceled: (reason) => lost(new Error(`etcd canceled the store's watch: ${reason}`)),
      },
      etcdRevision + 1,
    );
    // The store is ready once etcd holds the watch: from then on no event after `base` can be missed.
    const timer = setTimeout(() => failed(new StorageUnavailableError(this.endpoints, `no watch within ${this.requestTimeoutMs} ms${this.watches.lastError ? `: ${this.watches.lastError.message}` : ''}`)), this.requestTimeoutMs);
    try {
      await running;
    } catch (e) {
      this.stopMirror?.();
      this.stopMirror = undefined;
      throw e;
    } finally {
      starting = false;
      clearTimeout(timer);
    }
  }

  private mirrorEvents(raw: IEvent[]): void {
    const events = raw.map((e) => this.toEvent(e));
    for (const e of events) this.history.push(e);
    if (this.history.length > this.historySize * 2) {
      const drop = this.history.length - this.historySize;
      this.historyFloor = this.history[drop - 1].kv.revision;
      this.history = this.history.slice(drop);
    }
    this.mirrorRevision = events[events.length - 1].kv.revision;
    this.hub.publish(events);
    this.hub.progress(this.mirrorRevision);
    this.wake();
  }

  /** etcd's periodic progress notification: sent in order with the events, only once the watch has caught up. */
  private mirrorProgress(etcdRevision: number): void {
    const rev = etcdRevision - revisionOffset;
    if (rev <= this.mirrorRevision || !this.ready) return;
    this.mirrorRevision = rev;
    this.hub.progress(rev);
    this.wake();
  }

  /**
   * The mirror cannot go on where it stopped (etcd compacted past it while unreachable): watchers are told,
   * as a 410 tells an HTTP watcher, and a new mirror starts from the current revision.
   */
  private mirrorLost(err: Error): void {
    this.stopMirror = undefined;
    if (err instanceof CompactedError) this.compacted = Math.max(this.compacted, err.compacted);
    this.hub.closeAll(err);
    this.ready = false;
    this.readyPromise = undefined;
    if (!this.closed) this.whenReady().catch(() => {});
  }

  /**
   * etcd's answer to a progress request. etcd before 3.4.24 / 3.5.8 may send it ahead of events still queued
   * for the stream, so it only ends the waits of consistent reads (which then read at the mirror's own
   * revision); it never moves the mirror's revision, acknowledges a write or reaches a watcher.
   */
  private confirmProgress(etcdRevision: number): void {
    const rev = etcdRevision - revisionOffset;
    if (this.progressWaiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.progressWaiters) {
      if (w.revision <= rev) w.resolve();
      else still.push(w);
    }
    this.progressWaiters = still;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.revision <= this.mirrorRevision) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves once the mirror has delivered every event up to `revision`, or after `timeoutMs` regardless. */
  private reach(revision: number, timeoutMs: number): Promise<void> {
    if (revision <= this.mirrorRevision || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        revision,
        resolve: () => {
          clearTimeout(deadline);
          resolve();
        },
      };
      const deadline = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      deadline.unref();
      this.waiters.push(waiter);
    });
  }

  /**
   * The latest revision of this store's keys, once local watchers (the API server's watch caches) have seen
   * every write up to it: what a consistent read needs. etcd's revision may be ahead of the last event for
   * writes outside this store (another cluster under another key prefix); then no event comes, and etcd's
   * answer to a progress request says the mirror has missed nothing.
   */
  async currentRevision(): Promise<number> {
    await this.whenReady();
    const rev = (await this.sharedRevisionRead()) - revisionOffset;
    if (rev <= this.mirrorRevision || this.closed) return Math.min(rev, this.mirrorRevision);
    return new Promise<number>((resolve) => {
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(asking);
        this.waiters = this.waiters.filter((w) => w !== byEvent);
        this.progressWaiters = this.progressWaiters.filter((w) => w !== byProgress);
        resolve(Math.min(rev, this.mirrorRevision));
      };
      const byEvent: Waiter = { revision: rev, resolve: finish };
      const byProgress: Waiter = { revision: rev, resolve: finish };
      this.waiters.push(byEvent);
      this.progressWaiters.push(byProgress);
      // Events in flight usually arrive first; ask etcd only when they do not.
      const asking = setInterval(() => this.watches.requestProgress(), 20);
      asking.unref();
      const deadline = setTimeout(finish, catchUpWaitMs);
      deadline.unref();
    });
  }

  compactedRevision(): number {
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    await this.whenReady();
    const res = await this.call(() => this.client.kv.range({ key: this.etcdKey(key) }));
    return res.kvs.length > 0 ? this.toKeyValue(res.kvs[0]) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    await this.whenReady();
    const wanted = opts.revision && opts.revision > 0 ? opts.revision : 0;
    if (wanted && wanted < this.compacted) throw new CompactedError(wanted, this.compacted);
    let start = opts.after !== undefined && opts.after >= prefix ? this.etcdKey(`${opts.after}\0`) : this.etcdKey(prefix);
    const end = this.rangeEnd(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let etcdRevision = wanted ? wanted + revisionOffset : 0;
    const kvs: KeyValue[] = [];
    // An unlimited list is read in pages at one revision, so no single answer grows without bound.
    for (;;) {
      const pageLimit = limit > 0 ? limit : listPageSize;
      const res = await this.rangeAt(start, end, pageLimit, etcdRevision, wanted);
      etcdRevision ||= Number(res.header.revision);
      for (const kv of res.kvs) kvs.push(this.toKeyValue(kv));
      if (limit > 0 || !res.more || res.kvs.length === 0) {
        const more = limit > 0 && res.more;
        return { kvs, revision: etcdRevision - revisionOffset, more, remaining: more ? Number(res.count) - res.kvs.length : 0 };
      }
      start = Buffer.concat([res.kvs[res.kvs.length - 1].key, Buffer.from([0])]);
    }
  }

  private async rangeAt(key: Buffer, end: Buffer, limit: number, etcdRevision: number, wanted: number): Promise<IRangeResponse> {
    try {
      return await this.call(() => this.client.kv.range({ key, range_end: end, limit, revision: etcdRevision }), true);
    } catch (e) {
      const failure = classifyEtcdError(e);
      if (failure.kind === 'compacted') {
        this.compacted = Math.max(this.compacted, await this.findCompacted(await this.etcdRevision()));
        throw new CompactedError(wanted, this.compacted);
      }
      if (failure.kind === 'future-revision') throw new FutureRevisionError(wanted, (await this.etcdRevision()) - revisionOffset);
      throw e;
    }
  }

  async count(prefix: string): Promise<number> {
    await this.whenReady();
    const res = await this.call(() => this.client.kv.range({ key: this.etcdKey(prefix), range_end: this.rangeEnd(prefix), count_only: true }));
    return Number(res.count);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    await this.whenReady();
    const k = this.etcdKey(key);
    const v = this.checkedValue(key, k, value);
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: v } }],
        failure: [],
      }),
      false,
      { key, bytes: v.length },
    );
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = Number(res.header.revision) - revisionOffset;
    await this.reach(revision, ownEventWaitMs);
    return { key, value, revision, createRevision: revision };
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    await this.whenReady();
    const k = this.etcdKey(key);
    const v = this.checkedValue(key, k, value);
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision + revisionOffset }],
        success: [{ request_put: { key: k, value: v } }, { request_range: { key: k, keys_only: true } }],
        failure: [{ request_range: { key: k } }],
      }),
      false,
      { key, bytes: v.length },
    );
    if (!res.succeeded) throw this.preconditionFailure(key, res.responses[0]?.response_range);
    const revision = Number(res.header.revision) - revisionOffset;
    const written = res.responses[1]?.response_range?.kvs[0];
    const createRevision = written ? Number(written.create_revision) - revisionOffset : revision;
    await this.reach(revision, ownEventWaitMs);
    return { key, value, revision, createRevision };
  }

  async delete(key: string, expectedRevision?: number): Promise<StoreEvent> {
    await this.whenReady();
    const k = this.etcdKey(key);
    const res = await this.call(() =>
      this.client.kv.txn({
        compare:
          expectedRevision === undefined
            ? [{ key: k, target: 'Create', result: 'Greater', create_revision: 0 }]
            : [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision + revisionOffset }],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    const prev = res.succeeded ? res.responses[0]?.response_delete_range?.prev_kvs[0] : undefined;
    if (!prev) throw this.preconditionFailure(key, res.responses[0]?.response_range);
    const prevKv = this.toKeyValue(prev);
    const revision = Number(res.header.revision) - revisionOffset;
    await this.reach(revision, ownEventWaitMs);
    return { type: 'delete', kv: { ...prevKv, revision }, prevKv };
  }

  private preconditionFailure(key: string, current: IRangeResponse | undefined): Error {
    const kv = current?.kvs[0];
    return kv ? new ConflictError(key, this.toKeyValue(kv)) : new KeyNotFoundError(key);
  }

  /** The value as bytes, refused before sending when the request would pass etcd's limit. */
  private checkedValue(key: string, etcdKey: Buffer, value: string): Buffer {
    const bytes = Buffer.from(value);
    // The transaction carries the key in its compare, its put and its read-back.
    const size = bytes.length + 3 * etcdKey.length;
    if (size > this.maxRequestBytes) throw new RequestTooLargeError(key, size, this.maxRequestBytes);
    return bytes;
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    this.assertOpen();
    if (afterRevision < this.compacted) throw new CompactedError(afterRevision, this.compacted);
    if (this.ready) return this.attach(prefix, afterRevision, handlers);
    // Not connected yet: the watch starts once the store is, and fails through onError if it cannot.
    let inner: Watch | undefined;
    let stopped = false;
    this.whenReady().then(
      () => {
        if (stopped) return;
        try {
          inner = this.attach(prefix, afterRevision, handlers);
        } catch (e) {
          handlers.onError?.(e instanceof Error ? e : new Error(String(e)));
        }
      },
      (err: unknown) => {
        if (!stopped) handlers.onError?.(err instanceof Error ? err : new Error(String(err)));
      },
    );
    return {
      stop: () => {
        stopped = true;
        inner?.stop();
      },
    };
  }

  private attach(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    if (afterRevision < this.compacted) throw new CompactedError(afterRevision, this.compacted);
    if (afterRevision < this.historyFloor) return this.watchFromEtcd(prefix, afterRevision, handlers);
    const missed: StoreEvent[] = [];
    for (let i = this.firstAfter(afterRevision); i < this.history.length; i++) {
      const e = this.history[i];
      if (e.kv.key.startsWith(prefix)) missed.push(e);
    }
    // A watcher may start past the mirror (from a LIST answered by etcd a moment ago): skip what it has.
    return this.hub.add(prefix, missed, {
      onEvents: (events) => {
        if (events[events.length - 1].kv.revision <= afterRevision) return;
        handlers.onEvents(events[0].kv.revision > afterRevision ? events : events.filter((e) => e.kv.revision > afterRevision));
      },
      onProgress: handlers.onProgress && ((rev) => handlers.onProgress!(rev)),
      onError: handlers.onError && ((err) => handlers.onError!(err)),
    });
  }

  private firstAfter(revision: number): number {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid].kv.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A watcher older than the events in memory gets its own etcd watch, which replays the history etcd keeps. */
  private watchFromEtcd(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    let stopped = false;
    const remove = this.watches.add(
      {
        key: this.etcdKey(prefix),
        rangeEnd: this.rangeEnd(prefix),
        onEvents: (events) => {
          if (!stopped) handlers.onEvents(events.map((e) => this.toEvent(e)));
        },
        onProgress: (rev) => {
          if (!stopped) handlers.onProgress?.(rev - revisionOffset);
        },
        onCompacted: (rev) => {
          if (stopped) return;
          stopped = true;
          this.compacted = Math.max(this.compacted, rev - revisionOffset);
          handlers.onError?.(new CompactedError(afterRevision, this.compacted));
        },
        onCanceled: (reason) => {
          if (stopped) return;
          stopped = true;
          handlers.onError?.(new Error(`etcd canceled the watch: ${reason}`));
        },
      },
      afterRevision + revisionOffset + 1,
    );
    return {
      stop: () => {
        stopped = true;
        remove();
      },
    };
  }

  async compact(revision: number): Promise<void> {
    await this.whenReady();
    if (revision <= this.compacted) return;
    try {
      await this.call(() => this.client.kv.compact({ revision: revision + revisionOffset, physical: true }), true);
    } catch (e) {
      const failure = classifyEtcdError(e);
      // Another API server compacted further already.
      if (failure.kind === 'compacted') {
        this.compacted = Math.max(this.compacted, await this.findCompacted(await this.etcdRevision()));
        return;
      }
      if (failure.kind === 'future-revision') throw new FutureRevisionError(revision, (await this.etcdRevision()) - revisionOffset);
      throw e;
    }
    this.compacted = Math.max(this.compacted, revision);
  }

  /** Compacts to the revision seen one interval ago, so watchers that fell that far behind get a 410. */
  private compactPeriodically(): void {
    if (!this.ready || this.closed) return;
    const target = this.compactTarget;
    this.compactTarget = this.mirrorRevision;
    if (target > this.compacted) this.compact(target).catch(() => {});
  }

  /**
   * etcd does not say what it has compacted; reading at a revision does (it fails below it). The oldest
   * readable revision is found by bisection, a handful of cheap reads at startup.
   */
  private async findCompacted(etcdRevision: number): Promise<number> {
    const readable = async (rev: number): Promise<boolean> => {
      try {
        await this.call(() => this.client.kv.range({ key: this.rootKey, count_only: true, revision: rev }), true);
        return true;
      } catch (e) {
        if (classifyEtcdError(e).kind === 'compacted') return false;
        throw e;
      }
    };
    if (await readable(1)) return 0;
    let lo = 1;
    let hi = etcdRevision;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    // etcd can read at `hi` and later, so Wharf can list at hi - 1 and later.
    return Math.max(0, hi - revisionOffset);
  }

  /**
   * etcd's current revision for a caller that needs one at least as new as the moment it asked. The API server
   * asks before most reads, several times per request; callers arriving while a read is in flight share the
   * next one, which starts after they asked, so the answer is never older than they need.
   */
  private sharedRevisionRead(): Promise<number> {
    if (!this.revisionRead) {
      const read = this.etcdRevision().finally(() => {
        if (this.revisionRead === read) this.revisionRead = undefined;
      });
      this.revisionRead = read;
      return read;
    }
    this.nextRevisionRead ??= this.revisionRead
      .catch(() => {})
      .then(() => {
        this.nextRevisionRead = undefined;
        return this.sharedRevisionRead();
      });
    return this.nextRevisionRead;
  }

  private async etcdRevision(): Promise<number> {
    const res = await this.call(() => this.client.kv.range({ key: this.rootKey, count_only: true }));
    return Number(res.header.revision);
  }

  /** Runs one etcd call, turning failures into the store's errors (compaction and future revisions pass through when `raw`). */
  private async call<T>(fn: () => Promise<T>, raw = false, write?: { key: string; bytes: number }): Promise<T> {
    this.assertOpen();
    try {
      return await fn();
    } catch (e) {
      const failure = classifyEtcdError(e);
      switch (failure.kind) {
        case 'unavailable':
          throw new StorageUnavailableError(this.endpoints, failure.detail);
        case 'quota':
          throw new StorageQuotaExceededError(failure.detail);
        case 'too-large':
          throw new RequestTooLargeError(write?.key ?? '(request)', write?.bytes ?? this.maxRequestBytes + 1, this.maxRequestBytes);
        case 'compacted':
        case 'future-revision':
          if (raw) throw e;
          throw new Error(`unexpected etcd answer: ${(e as Error).message}`);
        default:
          throw failure.error;
      }
    }
  }

  private etcdKey(key: string): Buffer {
    return Buffer.from(this.keyPrefix + key);
  }

  private rangeEnd(prefix: string): Buffer {
    const full = this.keyPrefix + prefix;
    return full === '' ? Buffer.from([0]) : Buffer.from(prefixEnd(full));
  }

  private storeKey(key: Buffer): string {
    return key.toString().slice(this.keyPrefix.length);
  }

  private toKeyValue(kv: IKeyValue): KeyValue {
    return {
      key: this.storeKey(kv.key),
      value: kv.value.toString(),
      revision: Number(kv.mod_revision) - revisionOffset,
      createRevision: Number(kv.create_revision) - revisionOffset,
    };
  }

  private toEvent(e: IEvent): StoreEvent {
    const key = this.storeKey(e.kv.key);
    const prev = e.prev_kv;
    if (e.type === 'Delete') {
      const prevKv: KeyValue = prev ? this.toKeyValue(prev) : { key, value: '', revision: 0, createRevision: 0 };
      return { type: 'delete', kv: { ...prevKv, key, revision: Number(e.kv.mod_revision) - revisionOffset }, prevKv };
    }
    const kv = this.toKeyValue(e.kv);
    // Only the previous revisions matter to watchers; the old value is not kept in memory.
    const prevKv = prev ? { key, value: '', revision: Number(prev.mod_revision) - revisionOffset, createRevision: Number(prev.create_revision) - revisionOffset } : undefined;
    return { type: 'put', kv, prevKv };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.stopMirror?.();
    this.watches.close();
    for (const w of [...this.waiters, ...this.progressWaiters]) w.resolve();
    this.waiters = [];
    this.progressWaiters = [];
    this.hub.closeAll(new Error('store closed'));
    this.client.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store closed');
  }
}
