import type { KubeObject } from '../../../api/index.js';
import type { Informer } from '../../../client/index.js';

function revision(obj: KubeObject): bigint | undefined {
  const rv = obj.metadata.resourceVersion;
  if (!rv || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}

/**
 * An informer's objects overlaid with what this controller wrote itself and the informer has not yet
 * delivered. Binding takes four writes; without the overlay the next sync would see the old copies and
 * redo (and conflict on) writes already made. Only objects the informer still holds, with the same UID,
 * are overlaid, so a deletion is never masked.
 */
export class FreshObjects<T extends KubeObject> {
  private readonly written = new Map<string, T>();

  constructor(private readonly informer: Informer<T>) {}

  /** The newest known copy of the object stored under `key`. */
  get(key: string): T | undefined {
    const cached = this.informer.store.get(key);
    const mine = this.written.get(key);
    if (!mine) return cached;
    if (!cached || cached.metadata.uid !== mine.metadata.uid) {
      this.written.delete(key);
      return cached;
    }
    const a = revision(cached);
    const b = revision(mine);
    if (a === undefined || b === undefined || a >= b) {
      this.written.delete(key);
      return cached;
    }
    return mine;
  }

  /** Every object of the informer, each in its newest known copy. */
  list(): T[] {
    return this.informer.store.listKeys().map((k) => this.get(k)!).filter(Boolean);
  }

  /** Records the object a write returned. */
  remember(key: string, obj: T): T {
    this.written.set(key, obj);
    return obj;
  }
}
