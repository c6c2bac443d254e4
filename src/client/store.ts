import type { KubeObject } from '../api/index.js';

/** The values an object is filed under in one index (`spec.nodeName` -> ['node-1']). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => readonly string[];

/** `namespace/name`, or `name` for cluster-scoped objects: the key informers and work queues use. */
export function objectKey(obj: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  if (!name) throw new TypeError('An object without metadata.name has no key');
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { name: key };
  if (key.indexOf('/', slash + 1) >= 0) throw new RangeError(`Unexpected key format: "${key}"`);
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The index every informer store has, so listers can answer "everything in namespace X". */
export const namespaceIndex = 'namespace';
const byNamespace: IndexFunc = (obj) => [obj.metadata.namespace ?? ''];

/**
 * An in-memory cache of objects keyed by `objectKey`, with named secondary indexes. Informers fill it;
 * everyone else reads it and must treat the objects as read-only (they are shared).
 *
 * @example
 * store.addIndexers({ byNode: (pod) => [String(pod.spec?.nodeName ?? '')] });
 * store.byIndex('byNode', 'node-1');
 */
export class Store<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name -> indexed value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [namespaceIndex]: byNamespace as IndexFunc<T>, ...indexers });
  }

  /** Adds indexes; objects already stored are filed under them at once. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexers.has(name)) throw new RangeError(`Index "${name}" already exists`);
      this.indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.indices.set(name, index);
      for (const [key, obj] of this.items) this.file(index, fn(obj), key);
    }
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Looks up by namespace and name. */
  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((k) => this.items.get(k)!);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new RangeError(`Index "${name}" does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** Every value index `name` currently has objects under. */
  indexValues(name: string): string[] {
    const index = this.indices.get(name);
    if (!index) throw new RangeError(`Index "${name}" does not exist`);
    return [...index.keys()];
  }

  /** Adds or replaces an object; returns the one it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(old, key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.file(this.indices.get(name)!, fn(obj), key);
    return old;
  }

  /** Removes by key; returns what was stored. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(old, key);
    this.items.delete(key);
    return old;
  }

  /** Empties the store (used by informers before a full replace). */
  clear(): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
  }

  private file(index: Map<string, Set<string>>, values: readonly string[], key: string): void {
    for (const v of values) {
      let keys = index.get(v);
      if (!keys) index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(obj: T, key: string): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        if (!keys) continue;
        keys.delete(key);
        if (keys.size === 0) index.delete(v);
      }
    }
  }
}
