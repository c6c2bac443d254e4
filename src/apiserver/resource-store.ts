import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  deepEqual,
  internalError,
  invalid,
  notFound,
  staleResourceVersion,
  type FieldError,
  type KubeObject,
  type ResourceDefinition,
  type WriteContext,
} from '../api/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/object-meta.js';
import { ConflictError, KeyExistsError, KeyNotFoundError, type Store } from '../storage/index.js';
import { encodeForStorage } from './serialization.js';
import { CachedObject } from './cached-object.js';
import { WatchCache, type HistoryLimits } from './watch-cache.js';
import { nowRfc3339, rfc3339 } from '../api/rfc3339.js';

/** Who is writing and how, as the HTTP layer learned it from the request. */
export interface WriteOptions {
  dryRun?: boolean;
  /** Runs on the final object just before it is stored (managedFields tracking, allocation). */
  beforeWrite?: (obj: KubeObject, old: KubeObject | undefined) => void;
}

export interface DeleteOptions {
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export interface DeleteResult {
  object: CachedObject;
  /** False when the object stays, marked for deletion (finalizers or graceful termination pending). */
  deleted: boolean;
}

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

/**
 * Timestamps are kept to the second, as Kubernetes' metav1.Time is: a client that sends the stored time
 * back with milliseconds (client-node does) has not changed it.
 */
function sameSecond(a: string | Date | undefined, b: string | Date | undefined): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  const ta = Date.parse(String(a instanceof Date ? a.toISOString() : a));
  const tb = Date.parse(String(b instanceof Date ? b.toISOString() : b));
  return !Number.isNaN(ta) && Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

/** Everything but metadata and status: what a change to bumps `metadata.generation`. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/**
 * The storage of one resource: the write pipeline of Kubernetes' generic registry (prepare, default,
 * validate, preconditions, generation, finalizers) over the Store, and reads from the watch cache.
 */
export class ResourceStore {
  readonly cache: WatchCache;
  readonly prefix: string;

  constructor(
    readonly def: ResourceDefinition,
    readonly storage: Store,
    history?: HistoryLimits,
  ) {
    this.prefix = `/registry/${def.group || 'core'}/${def.plural}/`;
    this.cache = new WatchCache(storage, this.prefix, history);
  }

  key(namespace: string | undefined, name: string): string {
    return this.def.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** The key prefix of a namespace's objects (or of all objects). */
  listPrefix(namespace: string | undefined): string {
    return this.def.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  private get qualified() {
    return { group: this.def.group, resource: this.def.plural };
  }

  async get(namespace: string | undefined, name: string): Promise<CachedObject> {
    await this.cache.sync();
    const found = this.cache.get(this.key(namespace, name));
    if (!found) throw notFound(this.qualified, name);
    return found;
  }

  async find(namespace: string | undefined, name: string): Promise<CachedObject | undefined> {
    await this.cache.sync();
    return this.cache.get(this.key(namespace, name));
  }

  private validationFailure(obj: KubeObject, errors: FieldError[]) {
    return invalid(this.def.kind, this.def.group, obj.metadata.name ?? '', errors);
  }

  private validate(obj: KubeObject, old: KubeObject | undefined, subresource?: string): void {
    const s = this.def.strategy;
    const errors = s.validate ? s.validate(obj) : validateObjectMeta(obj, this.def.namespaced);
    if (old) {
      errors.push(...validateObjectMetaUpdate(obj, old));
      // A binding sets what an update may not (spec.nodeName); it has its own checks.
      if (s.validateUpdate && subresource !== 'binding') errors.push(...s.validateUpdate(obj, old));
    }
    if (errors.length > 0) throw this.validationFailure(obj, errors);
  }

  /** The status-subresource rules every kind with a status shares, then the kind's own `prepare`. */
  private prepare(obj: KubeObject, ctx: WriteContext): void {
    if (this.def.subresources.status) {
      if (!ctx.old) {
        if (!this.def.keepsStatusOnCreate) delete obj.status;
      }
      else if (ctx.subresource === 'status') {
        const status = obj.status;
        for (const k of Object.keys(obj)) if (k !== 'metadata' && k !== 'status') delete obj[k];
        Object.assign(obj, specOf(ctx.old), { apiVersion: ctx.old.apiVersion, kind: ctx.old.kind });
        const keep = obj.metadata.managedFields;
        obj.metadata = { ...ctx.old.metadata, resourceVersion: obj.metadata.resourceVersion };
        if (keep) obj.metadata.managedFields = keep;
        if (status === undefined) delete obj.status;
        else obj.status = status;
      } else if (ctx.subresource === undefined) {
        if (ctx.old.status === undefined) delete obj.status;
        else obj.status = ctx.old.status;
      }
    }
    this.def.strategy.prepare?.(obj, ctx);
  }

  async create(input: KubeObject, opts: WriteOptions = {}): Promise<CachedObject> {
    const obj = input;
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!this.def.namespaced) delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = nowRfc3339();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.def.generation) meta.generation = 1;
    else delete meta.generation;
    this.prepare(obj, {});
    this.def.strategy.default?.(obj);
    this.validate(obj, undefined);
    opts.beforeWrite?.(obj, undefined);
    if (opts.dryRun) {
      await this.cache.sync();
      if (this.cache.get(this.key(meta.namespace, meta.name!))) throw alreadyExists(this.qualified, meta.name!);
      const json = JSON.stringify(obj);
      return new CachedObject(this.key(meta.namespace, meta.name!), json, 0, obj);
    }
    const key = this.key(meta.namespace, meta.name!);
    const value = encodeForStorage(obj);
    this.cache.hint(key, obj);
    try {
      const kv = await this.storage.create(key, value);
      return this.written(key, kv.revision);
    } catch (e) {
      this.cache.dropHint(key);
      if (e instanceof KeyExistsError) throw alreadyExists(this.qualified, meta.name!);
      throw e;
    }
  }

  /** The cached object for a write that just committed (the cache sees commits before they are acknowledged). */
  private async written(key: string, revision: number): Promise<CachedObject> {
    await this.cache.waitFor(revision);
    const cached = this.cache.get(key);
    if (!cached || cached.revision < revision) {
      throw internalError(`object ${key} at revision ${revision} is missing from the cache`);
    }
    return cached;
  }

  /**
   * Replaces an object. `next` is the full desired object; its resourceVersion, when set, must be the
   * stored one (optimistic concurrency).
   */
  async update(
    namespace: string | undefined,
    name: string,
    next: KubeObject,
    subresource: string | undefined,
    opts: WriteOptions = {},
  ): Promise<CachedObject> {
    const current = await this.get(namespace, name);
    const wanted = next.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== String(current.revision)) {
      if (!/^\d+$/.test(wanted)) throw badRequest(`invalid resourceVersion "${wanted}"`);
      throw staleResourceVersion(this.qualified, name);
    }
    try {
      return await this.replace(current, next, subresource, opts);
    } catch (e) {
      if (e instanceof RetryableConflict) throw staleResourceVersion(this.qualified, name);
      throw e;
    }
  }

  /**
   * Read-modify-write with retries on conflict, for PATCH and other server-side changes: `mutate` gets a
   * private copy of the current object and returns the desired one.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    subresource: string | undefined,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: WriteOptions = {},
  ): Promise<CachedObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const next = await mutate(JSON.parse(current.json) as KubeObject);
      const wanted = next.metadata.resourceVersion;
      if (wanted !== undefined && wanted !== String(current.revision)) {
        throw staleResourceVersion(this.qualified, name);
      }
      try {
        return await this.replace(current, next, subresource, opts);
      } catch (e) {
        if (e instanceof RetryableConflict && attempt < 5) continue;
        if (e instanceof RetryableConflict) throw staleResourceVersion(this.qualified, name);
        throw e;
      }
    }
  }

  private async replace(
    current: CachedObject,
    next: KubeObject,
    subresource: string | undefined,
    opts: WriteOptions,
  ): Promise<CachedObject> {
    const old = current.obj;
    const obj = next;
    if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
    const meta = obj.metadata;
    // A uid in the request is a precondition: the write is for that incarnation of the object only.
    if (meta.uid && meta.uid !== old.metadata.uid) {
      throw conflict(this.qualified, old.metadata.name ?? '', `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    meta.uid ??= old.metadata.uid;
    meta.creationTimestamp = sameSecond(meta.creationTimestamp, old.metadata.creationTimestamp)
      ? old.metadata.creationTimestamp
      : meta.creationTimestamp;
    if (!this.def.namespaced) delete meta.namespace;
    else meta.namespace ??= old.metadata.namespace;
    meta.name ??= old.metadata.name;
    // Set only by the server: a client may not move them.
    if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (old.metadata.deletionGracePeriodSeconds !== undefined) {
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (old.metadata.deletionTimestamp) {
      const added = (meta.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw this.validationFailure(obj, [
          { type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` },
        ]);
      }
    }
    this.prepare(obj, { old, subresource });
    // A status write starts again from the stored metadata: from here on, read `obj.metadata`, not `meta`.
    const written = obj.metadata;
    if (this.def.generation) {
      const gen = old.metadata.generation ?? 1;
      written.generation = subresource !== 'status' && !deepEqual(specOf(obj), specOf(old)) ? gen + 1 : gen;
    }
    this.def.strategy.default?.(obj);
    this.validate(obj, old, subresource);
    opts.beforeWrite?.(obj, old);
    written.resourceVersion = String(current.revision);
    // Nothing changed: no write, no new resourceVersion, no watch event (as Kubernetes' no-op updates).
    if (deepEqual(obj, old)) return current;
    if (opts.dryRun) return new CachedObject(current.key, JSON.stringify(obj), current.revision, obj);
    // Removing the last finalizer of an object marked for deletion completes the deletion.
    if (written.deletionTimestamp && (written.finalizers ?? []).length === 0 && !this.def.strategy.deletionBlocked?.(obj)) {
      const ev = await this.deleteAt(current.key, current.revision, obj.metadata.name!);
      return ev.object;
    }
    const value = encodeForStorage(obj);
    this.cache.hint(current.key, obj);
    try {
      const kv = await this.storage.update(current.key, value, current.revision);
      return this.written(current.key, kv.revision);
    } catch (e) {
      this.cache.dropHint(current.key);
      if (e instanceof ConflictError) throw new RetryableConflict();
      if (e instanceof KeyNotFoundError) throw notFound(this.qualified, obj.metadata.name!);
      throw e;
    }
  }

  private async deleteAt(key: string, revision: number, name: string): Promise<{ object: CachedObject }> {
    try {
      const ev = await this.storage.delete(key, revision);
      await this.cache.waitFor(ev.kv.revision);
      const obj = JSON.parse(ev.kv.value) as KubeObject;
      obj.metadata.resourceVersion = String(ev.kv.revision);
      return { object: new CachedObject(key, JSON.stringify(obj), ev.kv.revision, obj) };
    } catch (e) {
      if (e instanceof ConflictError) throw new RetryableConflict();
      if (e instanceof KeyNotFoundError) throw notFound(this.qualified, name);
      throw e;
    }
  }

  /**
   * Deletes an object, or marks it for deletion when finalizers (or a pod's graceful termination) must
   * run first, as Kubernetes' generic registry does.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<DeleteResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(namespace, name);
      const meta = current.obj.metadata;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== meta.uid) {
        throw conflict(this.qualified, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(current.revision)) {
        throw conflict(this.qualified, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.revision}`);
      }
      const next = JSON.parse(current.json) as KubeObject;
      const finalizers = new Set(next.metadata.finalizers ?? []);
      if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
      if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
      if (opts.propagationPolicy && opts.propagationPolicy !== 'Orphan') finalizers.delete('orphan');
      const grace = Math.max(0, this.def.strategy.deletionGracePeriod?.(next, opts.gracePeriodSeconds) ?? 0);
      // A shorter grace period than the one already running shortens it (0 ends it now).
      if (next.metadata.deletionTimestamp && grace < (next.metadata.deletionGracePeriodSeconds ?? 0)) {
        next.metadata.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.size === 0 && grace === 0 && !this.def.strategy.deletionBlocked?.(next)) {
        if (opts.dryRun) return { object: current, deleted: true };
        try {
          const { object } = await this.deleteAt(current.key, current.revision, name);
          return { object, deleted: true };
        } catch (e) {
          if (e instanceof RetryableConflict && attempt < 5) continue;
          throw e;
        }
      }
      // Mark for deletion: set deletionTimestamp once.
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = rfc3339(Date.now() + grace * 1000);
        next.metadata.deletionGracePeriodSeconds = grace;
      }
      next.metadata.finalizers = [...finalizers];
      if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
      this.def.strategy.prepare?.(next, { old: current.obj, subresource: 'delete' });
      if (deepEqual(next, current.obj)) return { object: current, deleted: false };
      if (opts.dryRun) return { object: new CachedObject(current.key, JSON.stringify(next), current.revision, next), deleted: false };
      const value = encodeForStorage(next);
      this.cache.hint(current.key, next);
      try {
        const kv = await this.storage.update(current.key, value, current.revision);
        return { object: await this.written(current.key, kv.revision), deleted: false };
      } catch (e) {
        this.cache.dropHint(current.key);
        if (e instanceof ConflictError && attempt < 5) continue;
        if (e instanceof ConflictError) throw staleResourceVersion(this.qualified, name);
        throw e;
      }
    }
  }
}

/** An optimistic-concurrency miss inside a retry loop; surfaced as 409 only when retries run out. */
export class RetryableConflict extends Error {
  constructor() {
    super('conflict');
  }
}
