import { setMaxListeners } from 'node:events';
import { isGone, type KubeObject } from '../api/index.js';
import type { ApiClient, ObjectList } from './api-client.js';
import { Backoff, sleep } from './backoff.js';
import type { ResourceDescriptor } from './resource-descriptor.js';
import { statusErrorFromStatus } from './response-error.js';
import { objectKey, Store, type IndexFunc } from './store.js';
import { StringPool } from './string-pool.js';
import type { WatchEvent } from './watch-stream.js';

/** An open watch as informers consume it. */
export interface EventStream<T extends KubeObject> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
}

/** How an informer lists and watches; `listerWatcherFor` builds one over an ApiClient. */
export interface ListerWatcher<T extends KubeObject = KubeObject> {
  list(opts: { limit?: number; continue?: string; signal?: AbortSignal }): Promise<ObjectList<T>>;
  watch(opts: { resourceVersion: string; allowWatchBookmarks: boolean; timeoutSeconds: number; signal?: AbortSignal }): Promise<EventStream<T>>;
}

/** Which objects of a resource an informer follows. */
export interface Selection {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export function listerWatcherFor<T extends KubeObject = KubeObject>(client: ApiClient, resource: ResourceDescriptor, sel: Selection = {}): ListerWatcher<T> {
  return {
    list: (opts) => client.list<T>(resource, { ...sel, ...opts }),
    watch: (opts) => client.watch<T>(resource, { ...sel, ...opts }),
  };
}

/**
 * An object deleted while the informer was not watching (found missing by a re-list): its last
 * known state, which may be stale.
 */
export class DeletedFinalStateUnknown<T extends KubeObject = KubeObject> {
  constructor(
    readonly key: string,
    readonly obj: T,
  ) {}
}

/** The object of an onDelete notification, tombstone or not. */
export function deletedObject<T extends KubeObject>(o: T | DeletedFinalStateUnknown<T>): T {
  return o instanceof DeletedFinalStateUnknown ? o.obj : o;
}

/**
 * Notifications from an informer, delivered after its store has changed. Handlers should be quick
 * (enqueue a key); they must treat objects as read-only.
 */
export interface EventHandler<T extends KubeObject = KubeObject> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** Also called with old === new on each resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export type Logger = (message: string, error?: unknown) => void;

export const defaultLogger: Logger = (message, error) => {
  if (error === undefined) console.error(`wharf client: ${message}`);
  else console.error(`wharf client: ${message}:`, error instanceof Error ? error.message : error);
};

export interface InformerOptions {
  /** Name for logs; the resource plural is a good one. */
  name?: string;
  /** Re-deliver every cached object as onUpdate(obj, obj) this often; off when absent or 0. */
  resyncPeriodMs?: number;
  /** LIST page size; 500 by default. */
  pageSize?: number;
  /** Wait before re-listing after a failure: doubles from initialMs (800) to maxMs (30 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Each watch asks the server to end it after a random 5 to 10 minutes, so load spreads. */
  watchTimeoutSeconds?: number;
  /**
   * Changes each object as it arrives (LIST items, ADDED, MODIFIED and DELETED events) before it is
   * cached or handed to handlers, in place or by returning another; `stripManagedFields` is the usual one.
   */
  transform?: (obj: KubeObject) => KubeObject;
  logger?: Logger;
}

/**
 * Drops `metadata.managedFields`, which controllers never read and which is often the larger part of a
 * pod: kube-controller-manager and kube-scheduler trim their informers' objects the same way. An update
 * sent without managedFields keeps the stored ones.
 */
export function stripManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
  return obj;
}

/** One pool per thread: every informer of the thread shares its strings with the others. */
const cachedStrings = new StringPool();

/**
 * The usual transform for a cache: `stripManagedFields`, then every string of the object shared with the
 * thread's other cached objects (see StringPool). Shared informers use it unless told to keep managedFields.
 */
export function compactForCache(obj: KubeObject): KubeObject {
  stripManagedFields(obj);
  cachedStrings.internValues(obj);
  return obj;
}

function resourceVersionOf(o: { metadata?: { resourceVersion?: string } }): string | undefined {
  return o.metadata?.resourceVersion || undefined;
}

function isConnectionRefused(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ECONNREFUSED';
}

/**
 * Keeps a local copy of a resource up to date: lists it, then watches from the list's
 * resourceVersion (with bookmarks), re-listing after 410 Expired or a broken stream. Re-lists deliver
 * the differences, with tombstones for objects deleted meanwhile.
 *
 * @example
 * const informer = new Informer(listerWatcherFor(client, pods));
 * informer.addEventHandler({ onAdd: (pod) => queue.add(objectKey(pod)) });
 * informer.start(signal);
 * await informer.waitForSync(signal);
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly store = new Store<T>();
  readonly name: string;
  private readonly handlers = new Set<EventHandler<T>>();
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private rv = '';

  constructor(
    private readonly lw: ListerWatcher<T>,
    private readonly opts: InformerOptions = {},
  ) {
    this.name = opts.name ?? 'informer';
    this.backoff = new Backoff(opts.backoff?.initialMs ?? 800, opts.backoff?.maxMs ?? 30_000);
    this.log = opts.logger ?? defaultLogger;
  }

  /** Registers handlers; once synced, the new handler first hears onAdd for every cached object. */
  addEventHandler(handler: EventHandler<T>): { remove(): void } {
    this.handlers.add(handler);
    if (this.synced) for (const obj of this.store.list()) this.call(handler, 'onAdd', () => handler.onAdd?.(obj, true));
    return { remove: () => void this.handlers.delete(handler) };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.store.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** The resourceVersion the cache reflects. */
  get lastSyncResourceVersion(): string {
    return this.rv;
  }

  /** Resolves true once the first list is in the store, false if the signal or `stop()` came first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const own = this.abort?.signal;
      const onStop = (): void => finish(false);
      const finish = (v: boolean): void => {
        signal?.removeEventListener('abort', onStop);
        own?.removeEventListener('abort', onStop);
        resolve(v);
      };
      if (signal?.aborted || own?.aborted) return finish(false);
      signal?.addEventListener('abort', onStop, { once: true });
      own?.addEventListener('abort', onStop, { once: true });
      this.syncWaiters.push(() => finish(true));
    });
  }

  /** Starts listing and watching until `stop()` or the signal; calling it again does nothing. */
  start(signal?: AbortSignal): void {
    if (this.running) return;
    const abort = new AbortController();
    // A shared informer is waited on by every controller that uses it.
    setMaxListeners(0, abort.signal);
    this.abort = abort;
    if (signal) {
      if (signal.aborted) abort.abort();
      else signal.addEventListener('abort', () => abort.abort(), { once: true });
    }
    this.running = this.run(abort.signal).catch((e) => this.log(`${this.name}: informer loop failed`, e));
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period > 0) {
      this.resyncTimer = setInterval(() => this.resync(), period);
      this.resyncTimer.unref();
    }
  }

  /** Ends the watch; resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.abort?.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.running;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.listAndReplace(signal);
          needList = false;
          this.backoff.reset();
        }
        const started = Date.now();
        const events = await this.watch(signal);
        // A server that ends watches at once (shutting down, say) must not make us spin.
        if (events === 0 && Date.now() - started < 1000) await sleep(this.backoff.next(), signal);
      } catch (e) {
        if (signal.aborted) break;
        if (isGone(e)) {
          // Our resourceVersion is older than the server keeps: start over at once, as client-go does.
          needList = true;
          continue;
        }
        // A refused connection means the server is down, not that we missed events: resume the
        // watch where it stopped once it is back (410 sends us to a re-list if it cannot resume).
        needList = !isConnectionRefused(e);
        this.log(`${this.name}: ${needList ? 'list/watch failed, will re-list' : 'cannot reach the server, will retry the watch'}`, e);
        await sleep(this.backoff.next(), signal);
      }
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.lw.list({ limit: this.opts.pageSize ?? 500, continue: cont, signal });
      const transform = this.opts.transform;
      if (transform) for (const item of page.items) items.push(transform(item) as T);
      else items.push(...page.items);
      cont = page.metadata.continue || undefined;
      // Every page of a paginated list is read at the first page's revision.
      if (!rv) rv = page.metadata.resourceVersion ?? '';
    } while (cont);
    if (signal.aborted) return;
    this.replace(items, rv);
  }

  /** Swaps in a fresh list, telling handlers only what changed. */
  private replace(items: T[], rv: string): void {
    const initial = !this.synced;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.store.upsert(obj);
      if (!old) this.notifyAdd(obj, initial);
      else if (resourceVersionOf(old) !== resourceVersionOf(obj)) this.notifyUpdate(old, obj);
    }
    for (const key of this.store.listKeys()) {
      if (seen.has(key)) continue;
      const gone = this.store.delete(key)!;
      this.notifyDelete(new DeletedFinalStateUnknown(key, gone));
    }
    this.rv = rv;
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Follows one watch until it ends; returns how many events it brought. */
  private async watch(signal: AbortSignal): Promise<number> {
    const timeoutSeconds = this.opts.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
    const stream = await this.lw.watch({ resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds, signal });
    let count = 0;
    try {
      for await (const ev of stream) {
        if (signal.aborted) break;
        this.apply(ev);
        count++;
        this.backoff.reset();
      }
    } finally {
      stream.stop();
    }
    return count;
  }

  private apply(ev: WatchEvent<T>): void {
    if (this.opts.transform && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') ev = { ...ev, object: this.opts.transform(ev.object) as T };
    switch (ev.type) {
      case 'ERROR':
        throw statusErrorFromStatus(ev.object);
      case 'BOOKMARK':
        break;
      case 'ADDED':
      case 'MODIFIED': {
        const old = this.store.upsert(ev.object);
        if (old) this.notifyUpdate(old, ev.object);
        else this.notifyAdd(ev.object, false);
        break;
      }
      case 'DELETED':
        this.store.delete(objectKey(ev.object));
        this.notifyDelete(ev.object);
        break;
    }
    const rv = resourceVersionOf(ev.object);
    if (rv) this.rv = rv;
  }

  private resync(): void {
    if (!this.synced) return;
    for (const obj of this.store.list()) this.notifyUpdate(obj, obj);
  }

  private notifyAdd(obj: T, initial: boolean): void {
    for (const h of this.handlers) this.call(h, 'onAdd', () => h.onAdd?.(obj, initial));
  }

  private notifyUpdate(old: T, obj: T): void {
    for (const h of this.handlers) this.call(h, 'onUpdate', () => h.onUpdate?.(old, obj));
  }

  private notifyDelete(obj: T | DeletedFinalStateUnknown<T>): void {
    for (const h of this.handlers) this.call(h, 'onDelete', () => h.onDelete?.(obj));
  }

  /** A failing handler is logged and skipped; it must not stop the informer or other handlers. */
  private call(_h: EventHandler<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`${this.name}: ${what} handler threw`, e);
    }
  }
}
