import type { KubeObject } from '../api/index.js';
import { defaultLogger, deletedObject, type EventHandler, type Informer, type Logger } from './informer.js';
import type { ResourceDescriptor } from './resource-descriptor.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SharedInformerFactory } from './shared-informer-factory.js';
import { objectKey } from './store.js';
import { WorkQueue } from './work-queue.js';

/** What a reconcile asks for besides success: a timed retry. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * Brings one object (`namespace/name`, or `name` when cluster-scoped) to its desired state by reading
 * current state, never the event that caused the call. Throw to retry with backoff; throw
 * `TerminalError` when retrying cannot help.
 */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void>;
}

/** A reconcile failure that retrying will not fix (bad spec, say): counted and logged, not retried. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/** Maps a watched object to the keys of primary objects to reconcile. */
export type MapFunc = (obj: KubeObject) => readonly string[];

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The key of the object's controlling owner when that owner is of the given resource: the default
 * mapping of `owns()`. Owners of namespaced kinds live in the object's namespace.
 */
export function controllerOwnerKeys(owner: ResourceDescriptor): MapFunc {
  const kind = owner.kind;
  if (!kind) throw new TypeError(`Mapping owners needs the kind of ${owner.plural}: build the descriptor with describeResource()`);
  return (obj) => {
    const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === kind && groupOf(r.apiVersion) === owner.group);
    if (!ref) return [];
    return [owner.namespaced ? `${obj.metadata.namespace ?? ''}/${ref.name}` : ref.name];
  };
}

export interface ControllerOptions {
  /** Reconciles running at once (each on a different key); 1 by default. */
  workers?: number;
  rateLimiter?: RateLimiter;
  logger?: Logger;
}

interface Source {
  informer: Informer;
  map: MapFunc;
}

/** Counters for tests and metrics. */
export interface ControllerStats {
  reconciles: number;
  errors: number;
  terminalErrors: number;
  requeuesAfter: number;
}

/**
 * Runs a reconciler: informer events become keys in a deduplicating, rate-limited queue; workers take
 * keys and reconcile them. Errors retry with per-key backoff, `requeueAfterMs` retries on a timer,
 * `TerminalError` does not retry, and nothing a reconciler throws ends the process.
 */
export class Controller {
  readonly queue: WorkQueue;
  readonly stats: ControllerStats = { reconciles: 0, errors: 0, terminalErrors: 0, requeuesAfter: 0 };
  private readonly log: Logger;
  private readonly workers: number;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private registrations: { remove(): void }[] = [];

  constructor(
    readonly name: string,
    private readonly factory: SharedInformerFactory,
    private readonly sources: readonly Source[],
    private readonly reconciler: Reconciler,
    opts: ControllerOptions = {},
  ) {
    this.queue = new WorkQueue({ rateLimiter: opts.rateLimiter });
    this.log = opts.logger ?? defaultLogger;
    this.workers = Math.max(1, opts.workers ?? 1);
  }

  /**
   * Starts the informers (shared through the factory), waits for their caches, then starts the
   * workers. Resolves false if stopped before the caches synced.
   */
  async start(signal?: AbortSignal): Promise<boolean> {
    if (this.abort) throw new TypeError(`Controller ${this.name} was already started`);
    const abort = new AbortController();
    this.abort = abort;
    if (signal) {
      if (signal.aborted) abort.abort();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    for (const s of this.sources) this.registrations.push(s.informer.addEventHandler(this.handlerFor(s.map)));
    this.factory.start(signal);
    const synced = await Promise.all(this.sources.map((s) => s.informer.waitForSync(abort.signal)));
    if (!synced.every(Boolean) || abort.signal.aborted) return false;
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.workers; i++) loops.push(this.work(abort.signal));
    this.running = Promise.all(loops).then(() => undefined);
    return true;
  }

  /** Stops taking keys, lets running reconciles finish (their signal is aborted), then resolves. */
  async stop(): Promise<void> {
    this.abort?.abort();
    for (const r of this.registrations.splice(0)) r.remove();
    this.queue.shutDown();
    await this.running;
  }

  private handlerFor(map: MapFunc): EventHandler {
    const enqueue = (obj: KubeObject): void => {
      for (const key of map(obj)) this.queue.add(key);
    };
    return {
      onAdd: enqueue,
      onUpdate: (oldObj, newObj) => {
        // Both, so a changed owner reference reaches the previous owner too.
        enqueue(oldObj);
        enqueue(newObj);
      },
      onDelete: (obj) => enqueue(deletedObject(obj)),
    };
  }

  private async work(signal: AbortSignal): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        if (!signal.aborted) await this.reconcileOne(key, signal);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileOne(key: string, signal: AbortSignal): Promise<void> {
    this.stats.reconciles++;
    let result: ReconcileResult | void;
    try {
      result = await this.reconciler.reconcile(key, signal);
    } catch (e) {
      if (e instanceof TerminalError) {
        this.stats.terminalErrors++;
        this.queue.forget(key);
        this.log(`${this.name}: reconcile of "${key}" failed for good`, e);
        return;
      }
      this.stats.errors++;
      this.log(`${this.name}: reconcile of "${key}" failed, will retry`, e);
      this.queue.addRateLimited(key);
      return;
    }
    this.queue.forget(key);
    const after = result?.requeueAfterMs;
    if (after !== undefined && after > 0) {
      this.stats.requeuesAfter++;
      this.queue.addAfter(key, after);
    }
  }
}

/**
 * Builds a controller the controller-runtime way.
 *
 * @example
 * controllerFor(factory, replicaSets)
 *   .owns(pods)
 *   .complete({ reconcile: async (key) => { ... } }, { workers: 4 });
 */
export class ControllerBuilder {
  private readonly sources: Source[] = [];
  private controllerName: string;

  constructor(
    private readonly factory: SharedInformerFactory,
    private readonly primary: ResourceDescriptor,
  ) {
    this.controllerName = primary.kind ? `${primary.kind.toLowerCase()}-controller` : `${primary.plural}-controller`;
    this.sources.push({ informer: factory.informerFor(primary), map: (obj) => [objectKey(obj)] });
  }

  /** Names the controller in logs; `<kind>-controller` by default. */
  named(name: string): this {
    this.controllerName = name;
    return this;
  }

  /** Watches objects the primary kind creates; each maps to its controlling owner unless `mapOwner` says otherwise. */
  owns(resource: ResourceDescriptor, mapOwner?: MapFunc): this {
    this.sources.push({ informer: this.factory.informerFor(resource), map: mapOwner ?? controllerOwnerKeys(this.primary) });
    return this;
  }

  /** Watches any other resource, mapping its objects to primary keys. */
  watches(resource: ResourceDescriptor, map: MapFunc): this {
    this.sources.push({ informer: this.factory.informerFor(resource), map });
    return this;
  }

  complete(reconciler: Reconciler, opts: ControllerOptions = {}): Controller {
    return new Controller(this.controllerName, this.factory, this.sources, reconciler, opts);
  }
}

export function controllerFor(factory: SharedInformerFactory, resource: ResourceDescriptor): ControllerBuilder {
  return new ControllerBuilder(factory, resource);
}
