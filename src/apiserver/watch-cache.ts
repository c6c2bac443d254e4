import type { KubeObject } from '../api/index.js';
import { CompactedError, type KeyValue, type Store, type StoreEvent, type Watch } from '../storage/index.js';
import { encodeStored } from './serialization.js';

import { CachedObject } from './cached-object.js';

export { CachedObject };

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CachedEvent {
  type: WatchEventType;
  revision: number;
  object: CachedObject;
  prev?: CachedObject;
}

export interface CacheWatcher {
  /** Only events for objects in this namespace (undefined: all). */
  namespace?: string;
  deliver(events: readonly CachedEvent[]): void;
  /** The cache advanced to `revision` without an event for this watcher (for bookmarks). */
  progress?(revision: number): void;
  /** The cache cannot serve the watcher any more (store closed). */
  close(reason: Error): void;
}

/**
 * How much recent history each resource keeps, so that watchers resume without touching storage. A watcher
 * asking for older events gets 410 Expired and lists again, as from kube-apiserver's watch cache.
 */
export interface HistoryLimits {
  /** At most this many events (default 100,000). */
  size?: number;
  /**
   * Events older than this many milliseconds are let go (default five minutes; kube-apiserver keeps about 75
   * seconds). Without it, an object deleted on a quiet cluster stayed in memory, in its events, until
   * `size` newer events came.
   */
  maxAgeMs?: number;
  /** The newest this many events stay whatever their age (default 100, kube-apiserver's smallest cache). */
  keepAtLeast?: number;
}

const defaultLimits: Required<HistoryLimits> = { size: 100_000, maxAgeMs: 5 * 60_000, keepAtLeast: 100 };
/** Below this many dropped slots the ring's array is not worth copying. */
const compactAfter = 1024;

/**
 * Keeps every object of one resource in memory, fed by one storage watch. LISTs and WATCHes are served from
 * here, so a thousand watchers cost one storage watch. Writers may leave the parsed object they wrote as a
 * hint so the cache need not parse its own writes again.
 */
export class WatchCache {
  private objects = new Map<string, CachedObject>();
  /**
   * The keys in order, as of the last `list`; keys added since wait in `addedKeys` and are merged in by the
   * next one, and deleted keys are dropped then (a re-sort of every key per list cost 150,000 pods a quarter
   * of a second of the event loop whenever one pod was added between two lists).
   */
  private sortedKeys: string[] | undefined;
  private addedKeys: string[] = [];
  private keysRemoved = false;
  /** Recent events from `ringStart` on; the slots before it are emptied as events are let go. */
  private ring: Array<CachedEvent | undefined> = [];
  /** When each event of `ring` arrived (Date.now()). */
  private ringAt: number[] = [];
  private ringStart = 0;
  private readonly limits: Required<HistoryLimits>;
  private trimTimer: NodeJS.Timeout | undefined;
  /** Events let go of so far (by size or by age). */
  forgottenEvents = 0;
  private revision = 0;
  private oldestRevision = 0;
  private readonly watchers = new Set<CacheWatcher>();
  private readonly byNamespace = new Map<string, Set<CacheWatcher>>();
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private readonly hints = new Map<string, KubeObject>();
  private storeWatch: Watch | undefined;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    readonly prefix: string,
    limits: HistoryLimits = {},
  ) {
    this.limits = { ...defaultLimits, ...limits };
  }

  /**
   * Loads the current objects and starts the storage watch (once). A load that fails (storage
   * unreachable) is forgotten, so the next request tries again instead of failing for good.
   */
  start(): Promise<void> {
    this.ready ??= this.load().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  private async load(): Promise<void> {
    const listed = await this.store.list(this.prefix);
    // Decoding a large resource takes a while: yield now and then so the server keeps answering
    // (health checks, other resources) meanwhile. The watch below replays whatever lands in between.
    const objects = new Map<string, CachedObject>();
    let sliceStart = performance.now();
    for (let i = 0; i < listed.kvs.length; i++) {
      const kv = listed.kvs[i];
      objects.set(kv.key, this.decode(kv));
      if ((i & 255) === 255 && performance.now() - sliceStart > 8) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    // A reload after a lost watch starts over: earlier events are no base to resume from.
    this.objects = objects;
    this.sortedKeys = undefined;
    this.addedKeys = [];
    this.keysRemoved = false;
    this.ring = [];
    this.ringAt = [];
    this.ringStart = 0;
    this.revision = listed.revision;
    this.oldestRevision = listed.revision;
    if (!this.trimTimer) {
      // A quiet resource gets no events to trim on; its old history goes on a timer.
      this.trimTimer = setInterval(() => this.trimByAge(Date.now()), Math.min(60_000, Math.max(10, this.limits.maxAgeMs / 2)));
      this.trimTimer.unref();
    }
    this.storeWatch = this.store.watch(this.prefix, listed.revision, {
      onEvents: (events) => this.apply(events),
      onProgress: (rev) => this.advance(rev),
      onError: (err) => this.lost(err),
    });
  }

  /**
   * The storage watch ended (storage compacted past it during a long outage, or it failed): the
   * cache may have missed writes, so its watchers are closed (clients re-list) and the next request
   * loads it again from storage.
   */
  private lost(err: Error): void {
    this.storeWatch = undefined;
    this.ready = undefined;
    for (const w of this.watchers) w.close(err);
    this.watchers.clear();
    this.byNamespace.clear();
  }

  /** Hands the cache the parsed form of a value about to be written, so it is not parsed again. */
  hint(key: string, obj: KubeObject): void {
    this.hints.set(key, obj);
  }

  dropHint(key: string): void {
    this.hints.delete(key);
  }

  private decode(kv: KeyValue): CachedObject {
    const hinted = this.hints.get(kv.key);
    let obj: KubeObject;
    if (hinted) {
      this.hints.delete(kv.key);
      obj = hinted;
    } else {
      obj = JSON.parse(kv.value) as KubeObject;
    }
    obj.metadata.resourceVersion = String(kv.revision);
    return new CachedObject(kv.key, encodeStored(kv.value, kv.revision), kv.revision, obj);
  }

  private apply(events: StoreEvent[]): void {
    const out: CachedEvent[] = [];
    for (const e of events) {
      const prev = this.objects.get(e.kv.key);
      if (e.type === 'put') {
        const object = this.decode(e.kv);
        if (!prev && this.sortedKeys) this.addedKeys.push(e.kv.key);
        this.objects.set(e.kv.key, object);
        out.push({ type: prev ? 'MODIFIED' : 'ADDED', revision: e.kv.revision, object, prev });
      } else {
        this.hints.delete(e.kv.key);
        const base = prev ?? this.decode({ ...e.kv, revision: e.prevKv?.revision ?? e.kv.revision });
        // A deleted object is reported with the delete's revision, as Kubernetes does.
        const obj = { ...base.obj, metadata: { ...base.obj.metadata, resourceVersion: String(e.kv.revision) } };
        const object = new CachedObject(e.kv.key, JSON.stringify(obj), e.kv.revision, obj);
        this.objects.delete(e.kv.key);
        this.keysRemoved = true;
        out.push({ type: 'DELETED', revision: e.kv.revision, object, prev });
      }
    }
    this.remember(out);
    this.revision = out[out.length - 1].revision;
    this.fanOut(out);
    this.wake();
  }

  private remember(events: CachedEvent[]): void {
    const now = Date.now();
    for (const ev of events) {
      this.ring.push(ev);
      this.ringAt.push(now);
    }
    const over = this.ring.length - this.ringStart - this.limits.size;
    if (over > 0) this.forget(over);
    this.trimByAge(now);
  }

  /** Lets go of the events older than `maxAgeMs`, but for the newest `keepAtLeast`. */
  private trimByAge(now: number): void {
    const cutoff = now - this.limits.maxAgeMs;
    let n = 0;
    const removable = this.ring.length - this.ringStart - this.limits.keepAtLeast;
    while (n < removable && this.ringAt[this.ringStart + n]! < cutoff) n++;
    if (n > 0) this.forget(n);
  }

  /** Drops the oldest `n` events: a watcher must then start after the last of them. */
  private forget(n: number): void {
    const end = this.ringStart + n;
    this.oldestRevision = this.ring[end - 1]!.revision;
    // Emptied at once, so what the events held can be collected before the array is compacted.
    this.ring.fill(undefined, this.ringStart, end);
    this.ringStart = end;
    this.forgottenEvents += n;
    // Compact the array now and then rather than shifting on every event.
    if (this.ringStart >= compactAfter && this.ringStart * 2 >= this.ring.length) {
      this.ring = this.ring.slice(this.ringStart);
      this.ringAt = this.ringAt.slice(this.ringStart);
      this.ringStart = 0;
    }
  }

  private fanOut(events: CachedEvent[]): void {
    if (this.watchers.size === 0) return;
    const all = this.byNamespace.get('');
    if (all) for (const w of all) w.deliver(events);
    if (this.byNamespace.size <= (all ? 1 : 0)) return;
    // Group by namespace so a namespaced watcher sees only its own events, found by lookup.
    const grouped = new Map<string, CachedEvent[]>();
    for (const ev of events) {
      const ns = ev.object.namespace ?? '';
      if (!this.byNamespace.has(ns) || ns === '') continue;
      const list = grouped.get(ns);
      if (list) list.push(ev);
      else grouped.set(ns, [ev]);
    }
    for (const [ns, evs] of grouped) for (const w of this.byNamespace.get(ns)!) w.deliver(evs);
  }

  private advance(revision: number): void {
    if (revision <= this.revision) return;
    this.revision = revision;
    for (const w of this.watchers) w.progress?.(revision);
    this.wake();
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].revision <= this.revision) {
        this.waiters[i].resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  /** Resolves once the cache has seen every write up to `revision` (or rejects after `timeoutMs`). */
  async waitFor(revision: number, timeoutMs = 3000): Promise<void> {
    await this.start();
    if (this.revision >= revision) return;
    await new Promise<void>((resolve, reject) => {
      // The timer goes as soon as the wait ends: left to run out, each wait's timer and closure stayed alive
      // for the whole timeout.
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new Error(`cache did not reach revision ${revision} in time`));
        }
      }, timeoutMs).unref();
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits until the cache holds every write the store has acknowledged: a consistent read. */
  async sync(): Promise<void> {
    await this.start();
    await this.waitFor(await this.store.currentRevision());
  }

  currentRevision(): number {
    return this.revision;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  size(): number {
    return this.objects.size;
  }

  /** Objects whose key starts with `prefix`, in key order, after `afterKey` when given. */
  list(prefix: string, afterKey?: string): CachedObject[] {
    const keys = this.currentSortedKeys();
    let lo = lowerBound(keys, afterKey !== undefined && afterKey >= prefix ? afterKey : prefix);
    if (afterKey !== undefined && keys[lo] === afterKey) lo++;
    const out: CachedObject[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.objects.get(keys[i])!);
    return out;
  }

  /** Every cached key in order: the last sorted keys merged with those added since, without the deleted. */
  private currentSortedKeys(): string[] {
    if (!this.sortedKeys) {
      this.sortedKeys = [...this.objects.keys()].sort();
      this.addedKeys = [];
      this.keysRemoved = false;
      return this.sortedKeys;
    }
    if (this.addedKeys.length === 0 && !this.keysRemoved) return this.sortedKeys;
    const old = this.sortedKeys;
    const added = this.addedKeys.sort();
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    // A key deleted and added again sits on both sides, and a key may be gone again: keep live keys, once.
    while (i < old.length || j < added.length) {
      const next = j >= added.length || (i < old.length && old[i] <= added[j]) ? old[i++] : added[j++];
      if (merged.length > 0 && merged[merged.length - 1] === next) continue;
      if (this.objects.has(next)) merged.push(next);
    }
    this.sortedKeys = merged;
    this.addedKeys = [];
    this.keysRemoved = false;
    return merged;
  }

  /**
   * Registers a watcher to get every event after `afterRevision`; the events it missed are replayed from
   * the ring first. Throws CompactedError when they are no longer in the ring.
   */
  watch(watcher: CacheWatcher, afterRevision: number): () => void {
    if (afterRevision < this.oldestRevision) throw new CompactedError(afterRevision, this.oldestRevision);
    const missed: CachedEvent[] = [];
    for (let i = this.ring.length - 1; i >= this.ringStart && this.ring[i]!.revision > afterRevision; i--) {
      const ev = this.ring[i]!;
      if (watcher.namespace === undefined || ev.object.namespace === watcher.namespace) missed.push(ev);
    }
    if (missed.length > 0) watcher.deliver(missed.reverse());
    this.watchers.add(watcher);
    const ns = watcher.namespace ?? '';
    let set = this.byNamespace.get(ns);
    if (!set) this.byNamespace.set(ns, (set = new Set()));
    set.add(watcher);
    return () => {
      this.watchers.delete(watcher);
      set!.delete(watcher);
      if (set!.size === 0) this.byNamespace.delete(ns);
    };
  }

  /** True while the cache holds its storage watch. */
  watching(): boolean {
    return this.storeWatch !== undefined;
  }

  watcherCount(): number {
    return this.watchers.size;
  }

  stop(): void {
    clearInterval(this.trimTimer);
    this.trimTimer = undefined;
    this.storeWatch?.stop();
    this.storeWatch = undefined;
    for (const w of this.watchers) w.close(new Error('watch cache stopped'));
    this.watchers.clear();
    this.byNamespace.clear();
  }
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
