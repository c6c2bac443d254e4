import { isNotFound, isConflict, type KubeObject } from '../../api/index.js';
import {
  deletedObject,
  objectKey,
  resourceId,
  WorkQueue,
  type Informer,
  type Logger,
  type Manager,
  type ResourceDescriptor,
} from '../../client/index.js';
import { conflictRetryMs } from '../internal/conflicts.js';
import type { OwnerReference } from '../internal/controller-ref.js';
import { byOwnerUid, byUid, ensureIndex, ownerUidIndex, uidIndex } from '../internal/indexes.js';
import { ResourceMapper } from '../internal/resource-mapper.js';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

interface Watched {
  resource: ResourceDescriptor;
  informer: Informer;
}

/** An owner as found: present (with the object), absent (confirmed gone), or of a kind nobody serves. */
type OwnerState = { state: 'present'; obj: KubeObject } | { state: 'absent' } | { state: 'unknown' };

const hasFinalizer = (obj: KubeObject, f: string): boolean => (obj.metadata.finalizers ?? []).includes(f);
const isDeletingDependents = (obj: KubeObject): boolean => Boolean(obj.metadata.deletionTimestamp) && hasFinalizer(obj, foregroundFinalizer);

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export interface GarbageCollectorOptions {
  /** Workers processing the graph at once (at least 1). */
  workers: number;
  logger?: Logger;
}

/**
 * Deletes objects whose owners are gone, as Kubernetes' garbage collector, over informers of the
 * resources that carry ownerReferences: background (dependents of a deleted owner are deleted),
 * foreground (an owner with the `foregroundDeletion` finalizer waits until its blocking dependents
 * are gone) and orphan (an owner with the `orphan` finalizer has its dependents released first).
 * Work items are objects (`<resource id>|<namespace>/<name>`); each reconcile reads the caches and,
 * for owners not cached, the API.
 */
export class GarbageCollector {
  readonly queue = new WorkQueue();
  private readonly watched = new Map<string, Watched>();
  private readonly mapper: ResourceMapper;
  /** Owner UIDs confirmed gone, so a thousand dependents of one deleted owner cost one GET. */
  private readonly absentOwners = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly manager: Manager,
    resources: readonly ResourceDescriptor[],
    private readonly opts: GarbageCollectorOptions,
  ) {
    this.mapper = new ResourceMapper(manager.client);
    this.log = opts.logger ?? manager.logger;
    for (const resource of resources) {
      const informer = manager.informers.informerFor(resource);
      ensureIndex(informer, ownerUidIndex, byOwnerUid);
      ensureIndex(informer, uidIndex, byUid);
      this.watched.set(resourceId(resource), { resource, informer });
    }
  }

  private keyOf(w: Watched, obj: KubeObject): string {
    return `${resourceId(w.resource)}|${objectKey(obj)}`;
  }

  private lookup(key: string): { w: Watched; obj: KubeObject | undefined } | undefined {
    const bar = key.indexOf('|');
    const w = this.watched.get(key.slice(0, bar));
    return w && { w, obj: w.informer.store.get(key.slice(bar + 1)) };
  }

  /** Every cached object that lists `uid` among its owners, with its key. */
  private dependents(uid: string): { key: string; obj: KubeObject }[] {
    const out: { key: string; obj: KubeObject }[] = [];
    for (const w of this.watched.values()) for (const obj of w.informer.store.byIndex(ownerUidIndex, uid)) out.push({ key: this.keyOf(w, obj), obj });
    return out;
  }

  private cachedByUid(uid: string): { key: string; obj: KubeObject } | undefined {
    for (const w of this.watched.values()) {
      const [obj] = w.informer.store.byIndex(uidIndex, uid);
      if (obj) return { key: this.keyOf(w, obj), obj };
    }
    return undefined;
  }

  private enqueueOwners(refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      const owner = this.cachedByUid(ref.uid);
      if (owner) this.queue.add(owner.key);
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    const registrations: { remove(): void }[] = [];
    for (const w of this.watched.values()) {
      registrations.push(
        w.informer.addEventHandler({
          onAdd: (obj) => {
            if (obj.metadata.ownerReferences?.length || obj.metadata.deletionTimestamp) this.queue.add(this.keyOf(w, obj));
          },
          onUpdate: (old, obj) => {
            const oldRefs = old.metadata.ownerReferences ?? [];
            const refs = obj.metadata.ownerReferences ?? [];
            const refsChanged = JSON.stringify(oldRefs) !== JSON.stringify(refs);
            if (refsChanged) {
              // An owner waiting in the foreground may be waiting on a reference that just went away.
              this.enqueueOwners(oldRefs.filter((r) => !refs.some((n) => n.uid === r.uid && n.blockOwnerDeletion === r.blockOwnerDeletion)));
            }
            const finalizersChanged = JSON.stringify(old.metadata.finalizers ?? []) !== JSON.stringify(obj.metadata.finalizers ?? []);
            const deletionStarted = Boolean(obj.metadata.deletionTimestamp) && !old.metadata.deletionTimestamp;
            if (refsChanged || (obj.metadata.deletionTimestamp && (finalizersChanged || deletionStarted))) this.queue.add(this.keyOf(w, obj));
            if (obj.metadata.uid === old.metadata.uid && isDeletingDependents(obj) && !isDeletingDependents(old)) {
              for (const d of this.dependents(obj.metadata.uid ?? '')) this.queue.add(d.key);
            }
          },
          onDelete: (tomb) => {
            const obj = deletedObject(tomb);
            const uid = obj.metadata.uid;
            if (uid) for (const d of this.dependents(uid)) this.queue.add(d.key);
            this.enqueueOwners(obj.metadata.ownerReferences ?? []);
          },
        }),
      );
    }
    this.manager.informers.start(signal);
    const synced = await Promise.all([...this.watched.values()].map((w) => w.informer.waitForSync(signal)));
    if (!synced.every(Boolean) || signal.aborted) return;
    const workers = Array.from({ length: Math.max(1, this.opts.workers) }, () => this.work(signal));
    signal.addEventListener('abort', () => this.queue.shutDown(), { once: true });
    await Promise.all(workers);
    for (const r of registrations) r.remove();
  }

  private async work(signal: AbortSignal): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        if (signal.aborted) continue;
        await this.process(key);
        this.queue.forget(key);
      } catch (e) {
        // A conflict only means the cache was behind: look again shortly, without noise.
        if (isConflict(e)) this.queue.addAfter(key, conflictRetryMs);
        else {
          this.log(`garbage collector: processing "${key}" failed, will retry`, e);
          this.queue.addRateLimited(key);
        }
      } finally {
        this.queue.done(key);
      }
    }
  }

  /** Brings one object in line with its owners and, if it is being deleted, with its dependents. */
  async process(key: string): Promise<void> {
    const found = this.lookup(key);
    if (!found?.obj) return;
    const { w, obj } = found;
    if (obj.metadata.deletionTimestamp) {
      if (hasFinalizer(obj, orphanFinalizer)) await this.orphanDependents(w, obj);
      else if (hasFinalizer(obj, foregroundFinalizer)) await this.processDeletingDependents(w, key, obj);
      return;
    }
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.findOwner(ref, obj.metadata.namespace);
      if (owner.state === 'absent') dangling.push(ref);
      else if (owner.state === 'unknown') solid.push(ref);
      else if (isDeletingDependents(owner.obj)) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Another owner keeps this object alive: it only lets go of the gone and the waiting ones.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.patchOwnerReferences(w, obj, refs.filter((r) => !drop.has(r.uid)));
      return;
    }
    const ownDependents = this.dependents(obj.metadata.uid ?? '');
    if (waiting.length > 0 && ownDependents.length > 0) {
      // An owner waits on this object, which has dependents of its own: delete those first, in the foreground.
      if (ownDependents.some((d) => isDeletingDependents(d.obj))) {
        // A dependent that is itself deleting in the foreground and owns us back would deadlock: unblock.
        const waitingUids = new Set(waiting.map((r) => r.uid));
        await this.patchOwnerReferences(w, obj, refs.map((r) => (waitingUids.has(r.uid) ? { ...r, blockOwnerDeletion: false } : r)));
      }
      await this.deleteObject(w, obj, 'Foreground');
      return;
    }
    const policy = hasFinalizer(obj, orphanFinalizer) ? 'Orphan' : hasFinalizer(obj, foregroundFinalizer) ? 'Foreground' : 'Background';
    await this.deleteObject(w, obj, policy);
  }

  private async orphanDependents(w: Watched, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const dep of this.dependents(uid)) {
      const found = this.lookup(dep.key);
      if (!found) continue;
      const rest = (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await this.patchOwnerReferences(found.w, dep.obj, rest);
    }
    await this.removeFinalizer(w, owner, orphanFinalizer);
  }

  private async processDeletingDependents(w: Watched, key: string, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    const deps = this.dependents(uid);
    const blocking = deps.filter((d) => d.obj.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    if (blocking.length === 0) {
      await this.removeFinalizer(w, owner, foregroundFinalizer);
      return;
    }
    for (const d of deps) if (d.key !== key) this.queue.add(d.key);
  }

  /** The owner in the caches, else from the API (so a cache lagging behind a new owner deletes nothing). */
  private async findOwner(ref: OwnerReference, namespace: string | undefined): Promise<OwnerState> {
    if (this.absentOwners.has(ref.uid)) return { state: 'absent' };
    const cached = this.cachedByUid(ref.uid);
    if (cached) return { state: 'present', obj: cached.obj };
    let resource = await this.mapper.forKind(ref.apiVersion, ref.kind);
    if (!resource) {
      const group = groupOf(ref.apiVersion);
      resource = (await this.mapper.preferredResources()).find((r) => r.group === group && r.kind === ref.kind);
    }
    if (!resource) {
      this.log(`garbage collector: no resource serves ${ref.kind} in ${ref.apiVersion}; keeping its dependents`);
      return { state: 'unknown' };
    }
    try {
      const obj = await this.manager.client.get(resource, ref.name, { namespace: resource.namespaced ? namespace : undefined });
      if (obj.metadata.uid === ref.uid) return { state: 'present', obj };
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.rememberAbsent(ref.uid);
    return { state: 'absent' };
  }

  private rememberAbsent(uid: string): void {
    if (this.absentOwners.size >= 10_000) this.absentOwners.delete(this.absentOwners.values().next().value as string);
    this.absentOwners.add(uid);
  }

  private async patchOwnerReferences(w: Watched, obj: KubeObject, refs: OwnerReference[]): Promise<void> {
    try {
      await this.manager.client.patch(
        w.resource,
        obj.metadata.name!,
        { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata.resourceVersion } },
        { type: 'merge', namespace: obj.metadata.namespace },
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async removeFinalizer(w: Watched, obj: KubeObject, finalizer: string): Promise<void> {
    const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.manager.client.patch(
        w.resource,
        obj.metadata.name!,
        { metadata: { finalizers: rest.length > 0 ? rest : null, resourceVersion: obj.metadata.resourceVersion } },
        { type: 'merge', namespace: obj.metadata.namespace },
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async deleteObject(w: Watched, obj: KubeObject, propagationPolicy: 'Orphan' | 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.manager.client.delete(w.resource, obj.metadata.name!, { namespace: obj.metadata.namespace, propagationPolicy, preconditions: { uid: obj.metadata.uid } });
    } catch (e) {
      // Gone already, or replaced by a new object of the same name (whose UID the precondition rejects).
      if (isNotFound(e) || isConflict(e)) return;
      throw e;
    }
  }
}
