import { EtcdStore } from './etcd/etcd-store.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export * from './store.js';
export { MemoryStore } from './memory/memory-store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export * from './etcd/index.js';

type StoreFactory = (rest: string) => Store;

/** Backends by URL scheme: `memory:`, `sqlite:/path/to/file.db`, `etcd://host:port[,host:port...]`. */
const backends = new Map<string, StoreFactory>([
  ['memory', () => new MemoryStore()],
  ['sqlite', (path) => new SqliteStore(path)],
  ['etcd', (hosts) => new EtcdStore({ endpoints: hosts.split(',').map((h) => (h.includes('://') ? h : `http://${h}`)) })],
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
