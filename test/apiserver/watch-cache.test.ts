import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactedError, MemoryStore, SqliteStore, type Store } from '../../src/storage/index.js';
import { encodeForStorage } from '../../src/apiserver/serialization.js';
import { WatchCache, type CachedEvent, type CacheWatcher } from '../../src/apiserver/watch-cache.js';
import type { KubeObject } from '../../src/api/index.js';
import { configMap, tempSqlite } from './fixtures.js';

const prefix = '/registry/core/configmaps/';
const key = (ns: string, name: string) => `${prefix}${ns}/${name}`;

async function put(store: Store, ns: string, name: string, data: Record<string, string> = { k: 'v' }): Promise<number> {
  const value = encodeForStorage(configMap(name, ns, { data }));
  const existing = await store.get(key(ns, name));
  const kv = existing ? await store.update(key(ns, name), value, existing.revision) : await store.create(key(ns, name), value);
  return kv.revision;
}

function recorder(namespace?: string): CacheWatcher & { events: CachedEvent[]; progressed: number[]; closed: Error[] } {
  const events: CachedEvent[] = [];
  const progressed: number[] = [];
  const closed: Error[] = [];
  return {
    namespace,
    events,
    progressed,
    closed,
    deliver: (evs) => events.push(...evs),
    progress: (rev) => progressed.push(rev),
    close: (err) => closed.push(err),
  };
}

test('WatchCache.start() loads current objects; get() and list() read them with resourceVersions', async () => {
  const store = new MemoryStore();
  const r1 = await put(store, 'a', 'one');
  const r2 = await put(store, 'b', 'two');
  await store.create('/registry/core/secrets/a/other', '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"other"}}');
  const cache = new WatchCache(store, prefix);
  await cache.start();
  assert.equal(cache.size(), 2, 'only keys under the prefix');
  assert.equal(cache.currentRevision(), 3);
  const one = cache.get(key('a', 'one'))!;
  assert.equal(one.revision, r1);
  assert.equal(one.obj.metadata.resourceVersion, String(r1));
  assert.equal(JSON.parse(one.json).metadata.resourceVersion, String(r1));
  assert.equal(cache.get(key('b', 'two'))!.revision, r2);
  assert.deepEqual(cache.list(prefix).map((o) => o.obj.metadata.name), ['one', 'two']);
  assert.deepEqual(cache.list(`${prefix}b/`).map((o) => o.obj.metadata.name), ['two']);
  cache.stop();
});

test('WatchCache reflects writes made after start(): adds, updates and deletes', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  await put(store, 'a', 'x', { v: '1' });
  const r = await put(store, 'a', 'x', { v: '2' });
  await put(store, 'a', 'y');
  await cache.waitFor(r);
  assert.deepEqual(cache.get(key('a', 'x'))!.obj.data, { v: '2' });
  assert.equal(cache.get(key('a', 'x'))!.revision, r);
  await store.delete(key('a', 'y'));
  await cache.sync();
  assert.equal(cache.get(key('a', 'y')), undefined);
  assert.deepEqual(cache.list(prefix).map((o) => o.key), [key('a', 'x')]);
  cache.stop();
});

test('WatchCache.list() stays in key order as keys come, go and come back between lists', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const names = () => cache.list(prefix).map((o) => o.obj.metadata.name);
  for (const n of ['m', 'c', 'x']) await put(store, 'ns', n);
  await cache.sync();
  assert.deepEqual(names(), ['c', 'm', 'x']);
  // Between two lists: new keys before, between and after; one deleted; one deleted and made again; one
  // made and deleted again.
  for (const n of ['a', 'n', 'z', 'temp']) await put(store, 'ns', n);
  await store.delete(key('ns', 'm'));
  await store.delete(key('ns', 'c'));
  await put(store, 'ns', 'c');
  await store.delete(key('ns', 'temp'));
  await cache.sync();
  assert.deepEqual(names(), ['a', 'c', 'n', 'x', 'z']);
  assert.deepEqual(cache.list(`${prefix}ns/`, key('ns', 'c')).map((o) => o.obj.metadata.name), ['n', 'x', 'z']);
  await store.delete(key('ns', 'z'));
  await cache.sync();
  assert.deepEqual(names(), ['a', 'c', 'n', 'x']);
  cache.stop();
});

test('WatchCache.list() pages after a key in key order', async () => {
  const store = new MemoryStore();
  for (const n of ['c', 'a', 'e', 'b', 'd']) await put(store, 'ns', n);
  const cache = new WatchCache(store, prefix);
  await cache.start();
  assert.deepEqual(cache.list(prefix, key('ns', 'b')).map((o) => o.obj.metadata.name), ['c', 'd', 'e']);
  assert.deepEqual(cache.list(prefix, key('ns', 'bb')).map((o) => o.obj.metadata.name), ['c', 'd', 'e']);
  assert.deepEqual(cache.list(prefix, key('ns', 'e')), []);
  // A position before the prefix starts at the prefix.
  assert.deepEqual(cache.list(`${prefix}ns/`, '/a').map((o) => o.obj.metadata.name), ['a', 'b', 'c', 'd', 'e']);
  cache.stop();
});

test('WatchCache.watch() replays missed events from the ring, then delivers live ones in order', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const r1 = await put(store, 'a', 'x', { v: '1' });
  const r2 = await put(store, 'a', 'x', { v: '2' });
  await store.delete(key('a', 'x'));
  await cache.sync();
  const w = recorder();
  cache.watch(w, r1);
  assert.deepEqual(w.events.map((e) => [e.type, e.revision]), [['MODIFIED', r2], ['DELETED', r2 + 1]]);
  assert.deepEqual(w.events[0].prev?.obj.data, { v: '1' }, 'MODIFIED carries the previous object');
  const r4 = await put(store, 'a', 'z');
  await cache.waitFor(r4);
  assert.deepEqual(w.events.map((e) => e.type), ['MODIFIED', 'DELETED', 'ADDED']);
  assert.equal(w.events[2].object.obj.metadata.name, 'z');
  cache.stop();
});

test('WatchCache.watch() from the current revision replays nothing', async () => {
  const store = new MemoryStore();
  await put(store, 'a', 'x');
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const w = recorder();
  cache.watch(w, cache.currentRevision());
  assert.deepEqual(w.events, []);
  cache.stop();
});

test('WatchCache.watch() throws CompactedError for a revision before the cache started', async () => {
  const store = new MemoryStore();
  await put(store, 'a', 'x');
  await put(store, 'a', 'y');
  const cache = new WatchCache(store, prefix);
  await cache.start();
  assert.throws(() => cache.watch(recorder(), 1), (e: unknown) => e instanceof CompactedError && e.requested === 1 && e.compacted === 2);
  assert.doesNotThrow(() => cache.watch(recorder(), 2));
  cache.stop();
});

test('WatchCache.watch() throws CompactedError once events fall out of the ring', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix, { size: 3 });
  await cache.start();
  const revs: number[] = [];
  for (let i = 0; i < 6; i++) revs.push(await put(store, 'a', `o${i}`));
  await cache.sync();
  // The ring keeps the last three events (revisions 4, 5, 6): a watcher at 3 or later resumes from it.
  assert.throws(() => cache.watch(recorder(), revs[1]), CompactedError);
  const w = recorder();
  cache.watch(w, revs[2]);
  assert.deepEqual(w.events.map((e) => e.revision), revs.slice(3));
  assert.equal(cache.forgottenEvents, 3);
  cache.stop();
});

test('WatchCache lets go of events older than maxAgeMs, on a quiet resource too, but for the newest keepAtLeast', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix, { maxAgeMs: 60, keepAtLeast: 2 });
  await cache.start();
  const start = cache.currentRevision();
  const revs: number[] = [];
  for (let i = 0; i < 5; i++) revs.push(await put(store, 'a', `o${i}`));
  await cache.sync();
  // Young events are all there.
  const early = recorder();
  cache.watch(early, start);
  assert.deepEqual(early.events.map((e) => e.revision), revs);
  // No event comes after these: the trim runs on its own, and the newest two stay.
  await new Promise((r) => setTimeout(r, 250));
  assert.throws(() => cache.watch(recorder(), start), (e: unknown) => e instanceof CompactedError && e.compacted === revs[2]);
  assert.equal(cache.forgottenEvents, 3);
  const late = recorder();
  cache.watch(late, revs[2]!);
  assert.deepEqual(late.events.map((e) => e.revision), revs.slice(3));
  // Live events still reach watchers, and fresh history builds up again.
  const r = await put(store, 'a', 'later');
  await cache.sync();
  assert.deepEqual(late.events.map((e) => e.revision), [...revs.slice(3), r]);
  cache.stop();
});

test('WatchCache: a namespaced watcher gets only its namespace, live and replayed', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const start = cache.currentRevision();
  await put(store, 'a', 'early-a');
  await put(store, 'b', 'early-b');
  await cache.sync();
  const inA = recorder('a');
  const inB = recorder('b');
  const all = recorder();
  cache.watch(inA, start);
  cache.watch(inB, cache.currentRevision());
  cache.watch(all, cache.currentRevision());
  assert.deepEqual(inA.events.map((e) => e.object.obj.metadata.name), ['early-a']);
  await put(store, 'b', 'late-b');
  await put(store, 'a', 'late-a');
  await put(store, 'c', 'late-c');
  await cache.sync();
  assert.deepEqual(inA.events.map((e) => e.object.obj.metadata.name), ['early-a', 'late-a']);
  assert.deepEqual(inB.events.map((e) => e.object.obj.metadata.name), ['late-b']);
  assert.deepEqual(all.events.map((e) => e.object.obj.metadata.name), ['late-b', 'late-a', 'late-c']);
  cache.stop();
});

test('WatchCache.watch() returns an unregister function that stops delivery', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const w = recorder('a');
  const stop = cache.watch(w, cache.currentRevision());
  assert.equal(cache.watcherCount(), 1);
  stop();
  assert.equal(cache.watcherCount(), 0);
  await put(store, 'a', 'x');
  await cache.sync();
  assert.deepEqual(w.events, []);
  cache.stop();
});

test('WatchCache: DELETED events carry the delete revision as resourceVersion', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const created = await put(store, 'a', 'x');
  const w = recorder();
  cache.watch(w, created);
  const ev = await store.delete(key('a', 'x'));
  await cache.waitFor(ev.kv.revision);
  assert.equal(w.events.length, 1);
  const del = w.events[0];
  assert.equal(del.type, 'DELETED');
  assert.equal(del.revision, ev.kv.revision);
  assert.equal(del.object.obj.metadata.resourceVersion, String(ev.kv.revision));
  assert.equal(JSON.parse(del.object.json).metadata.resourceVersion, String(ev.kv.revision));
  assert.equal(del.prev?.revision, created);
  cache.stop();
});

test('WatchCache: progress from the store advances the revision and reaches watchers', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const w = recorder();
  cache.watch(w, cache.currentRevision());
  const kv = await store.create('/registry/core/secrets/a/s', '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}');
  assert.equal(cache.currentRevision(), kv.revision, 'a write elsewhere still advances the cache');
  assert.deepEqual(w.events, []);
  assert.deepEqual(w.progressed, [kv.revision]);
  cache.stop();
});

test('WatchCache.waitFor() resolves when the revision arrives and rejects after its timeout', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const waiting = cache.waitFor(1, 1000);
  await put(store, 'a', 'x');
  await waiting;
  // The cache's timer does not hold the process open (a server does); this test holds it.
  const keepAlive = setTimeout(() => undefined, 1000);
  await assert.rejects(cache.waitFor(50, 30), /cache did not reach revision 50 in time/);
  clearTimeout(keepAlive);
  cache.stop();
});

test('WatchCache.sync() waits for every write the store acknowledged (SQLite group commit)', async () => {
  const { file, cleanup } = tempSqlite();
  const store = new SqliteStore(file, { durable: false });
  try {
    const cache = new WatchCache(store, prefix);
    await cache.start();
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(store.create(key('a', `o${i}`), encodeForStorage(configMap(`o${i}`, 'a'))));
    await Promise.all(writes);
    await cache.sync();
    assert.equal(cache.size(), 20);
    assert.equal(cache.currentRevision(), await store.currentRevision());
    cache.stop();
  } finally {
    await store.close();
    cleanup();
  }
});

test('WatchCache.hint() spares the parse and yields an object equal to the parsed one', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const obj: KubeObject = configMap('hinted', 'a', { data: { x: '1' } });
  cache.hint(key('a', 'hinted'), obj);
  const kv = await store.create(key('a', 'hinted'), encodeForStorage(obj));
  await cache.waitFor(kv.revision);
  const cached = cache.get(key('a', 'hinted'))!;
  assert.equal(cached.obj, obj, 'the hinted object itself is cached');
  assert.deepEqual(cached.obj, JSON.parse(cached.json));
  assert.equal(cached.obj.metadata.resourceVersion, String(kv.revision));

  // Without a hint the value is parsed, and gives the same object.
  const plain = configMap('plain', 'a', { data: { x: '1' } });
  const kv2 = await store.create(key('a', 'plain'), encodeForStorage(plain));
  await cache.waitFor(kv2.revision);
  const parsed = cache.get(key('a', 'plain'))!;
  assert.notEqual(parsed.obj, plain);
  assert.deepEqual(parsed.obj, JSON.parse(parsed.json));

  // A dropped hint is not used.
  const dropped = configMap('dropped', 'a');
  cache.hint(key('a', 'dropped'), { ...dropped, data: { wrong: 'yes' } });
  cache.dropHint(key('a', 'dropped'));
  const kv3 = await store.create(key('a', 'dropped'), encodeForStorage(dropped));
  await cache.waitFor(kv3.revision);
  assert.deepEqual(cache.get(key('a', 'dropped'))!.obj.data, { k: 'v' });
  cache.stop();
});

test('WatchCache closes its watchers when the store closes, and on stop()', async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, prefix);
  await cache.start();
  const w = recorder();
  cache.watch(w, cache.currentRevision());
  await store.close();
  assert.equal(w.closed.length, 1);
  assert.equal(cache.watcherCount(), 0);

  const store2 = new MemoryStore();
  const cache2 = new WatchCache(store2, prefix);
  await cache2.start();
  const w2 = recorder();
  cache2.watch(w2, 0);
  cache2.stop();
  assert.match(w2.closed[0].message, /watch cache stopped/);
});

/** A MemoryStore whose LISTs can be made to fail and whose storage watch can be cut, as an outage does. */
function flakyStore(): { store: Store; failNextLists(n: number): void; cutWatch(): void } {
  const inner = new MemoryStore();
  let failing = 0;
  let current: { watch: { stop(): void }; onError: (e: Error) => void } | undefined;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'list') {
        return async (...args: Parameters<Store['list']>) => {
          if (failing > 0) {
            failing--;
            throw new Error('storage unreachable');
          }
          return target.list(...args);
        };
      }
      if (prop === 'watch') {
        return (...args: Parameters<Store['watch']>) => {
          const watch = target.watch(...args);
          current = { watch, onError: args[2].onError ?? (() => {}) };
          return watch;
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    store,
    failNextLists: (n) => (failing = n),
    cutWatch: () => {
      current!.watch.stop();
      current!.onError(new Error('watch lost'));
    },
  };
}

test('WatchCache: a failed first load is retried by the next request instead of failing for good', async () => {
  const flaky = flakyStore();
  await put(flaky.store, 'default', 'a');
  const cache = new WatchCache(flaky.store, prefix);
  flaky.failNextLists(1);
  await assert.rejects(cache.start(), /storage unreachable/);
  await cache.start();
  assert.ok(cache.get(key('default', 'a')));
  assert.ok(cache.watching());
});

test('WatchCache: a lost storage watch closes the watchers and the next request reloads what was missed', async () => {
  const flaky = flakyStore();
  await put(flaky.store, 'default', 'a');
  const cache = new WatchCache(flaky.store, prefix);
  await cache.start();
  const w = recorder();
  cache.watch(w, cache.currentRevision());
  flaky.cutWatch();
  assert.equal(w.closed.length, 1, 'watchers learn the cache can no longer follow');
  assert.equal(cache.watching(), false);
  // Written while nobody watched: the cache must not keep serving what it had.
  await put(flaky.store, 'default', 'b');
  const rev = await put(flaky.store, 'default', 'a', { k: 'changed' });
  await cache.start();
  assert.ok(cache.watching());
  assert.equal(cache.currentRevision(), rev);
  assert.ok(cache.get(key('default', 'b')));
  assert.deepEqual(cache.get(key('default', 'a'))?.obj.data, { k: 'changed' });
  // Resuming from before the reload is no longer possible: the client must re-list.
  assert.throws(() => cache.watch(recorder(), rev - 2), CompactedError);
});
