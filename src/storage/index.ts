import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export * from './store.js';
export { MemoryStore } from './memory/memory-store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
// The etcd store itself is imported from './etcd/index.js' by those who use it: its client library takes a
// tenth of a second to load, which a server on SQLite should not pay at every start.
export { RequestTooLargeError, StorageQuotaExceededError, StorageUnavailableError } from './etcd/etcd-errors.js';
export type { EtcdStoreOptions } from './etcd/etcd-store.js';

type StoreFactory = (rest: string) => Store;

/** Backends by URL scheme: `memory:`, `sqlite:/path/to/file.db` (etcd: `EtcdStore.open` from './etcd/index.js'). */
const backends = new Map<string, StoreFactory>([
  ['memory', () => new MemoryStore()],
  ['sqlite', (path) => new SqliteStore(path)],
]);

export function registerBackend(scheme: string, factory: StoreFactory): void {
  if (backends.has(scheme)) throw new TypeError(`storage backend "${scheme}" is already registered`);
  backends.set(scheme, factory);
}

export function openStore(url: string): Store {
  const colon = url.indexOf(':');
  if (colon < 1) throw new TypeError(`storage URL "${url}" has no scheme`);
  const factory = backends.get(url.slice(0, colon));
  if (!factory) throw new TypeError(`unknown storage backend "${url.slice(0, colon)}"`);
  return factory(url.slice(colon + 1).replace(/^\/\//, ''));
}
