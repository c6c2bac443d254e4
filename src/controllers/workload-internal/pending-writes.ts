import type { KubeObject } from '../../api/index.js';
import { deletedObject, objectKey, type Informer } from '../../client/index.js';

interface Pending {
  obj?: KubeObject;
  expiresAt: number;
}

/**
 * Creations and deletions a controller has made that its informer has not shown yet. Reconciles read
 * the cache; right after creating pods from `generateName`, the cache does not have them and a second
 * reconcile would create them again. Upstream keeps "expectations" for this; here the controller sees
 * the cache overlaid with its own recent writes until the informer reports them (or they expire, in
 * case an event was missed).
 */
export class PendingWrites {
  private readonly creations = new Map<string, Pending>();
  private readonly deletions = new Map<string, Pending>();

  constructor(
    informer: Informer,
    private readonly ttlMs = 60_000,
  ) {
    informer.addEventHandler({
      onAdd: (obj) => this.creations.delete(objectKey(obj)),
      onUpdate: (_old, obj) => this.creations.delete(objectKey(obj)),
      onDelete: (o) => {
        const key = objectKey(deletedObject(o));
        this.creations.delete(key);
        this.deletions.delete(key);
      },
    });
  }

  /** Records an object the API server has just created. */
  created(obj: KubeObject): void {
    this.creations.set(objectKey(obj), { obj, expiresAt: Date.now() + this.ttlMs });
  }

  /** Records a delete the API server has accepted (the object may linger with a deletionTimestamp). */
  deleted(obj: KubeObject): void {
    const key = objectKey(obj);
    this.creations.delete(key);
    this.deletions.set(key, { expiresAt: Date.now() + this.ttlMs });
  }

  /** Whether a delete of this object was sent and not yet seen; deleting it again is pointless. */
  isDeleting(obj: KubeObject): boolean {
    return this.live(this.deletions, objectKey(obj)) !== undefined;
  }

  /**
   * `cached` with objects we created but the cache lacks added, when `belongs` says they are among
   * the objects the caller listed.
   */
  overlay(cached: readonly KubeObject[], belongs: (obj: KubeObject) => boolean): KubeObject[] {
    const keys = new Set(cached.map(objectKey));
    const out = [...cached];
    for (const [key] of this.creations) {
      const p = this.live(this.creations, key);
      if (p?.obj && !keys.has(key) && belongs(p.obj)) out.push(p.obj);
    }
    return out;
  }

  private live(map: Map<string, Pending>, key: string): Pending | undefined {
    const p = map.get(key);
    if (p && p.expiresAt < Date.now()) {
      map.delete(key);
      return undefined;
    }
    return p;
  }
}
