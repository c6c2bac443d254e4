import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { EtcdStore } from '../../src/storage/etcd/index.js';
import {
  CompactedError,
  RequestTooLargeError,
  StorageQuotaExceededError,
  StorageUnavailableError,
  type Store,
  type StoreEvent,
} from '../../src/storage/index.js';
import { storeConformance } from './conformance.js';
import { EtcdServer, etcdMissing } from './etcd-server.js';

const missing = etcdMissing();
const servers = new Set<EtcdServer>();
after(async () => {
  for (const s of servers) await s.destroy();
});

async function startEtcd(opts: Parameters<typeof EtcdServer.start>[0] = {}): Promise<EtcdServer> {
  const s = await EtcdServer.start(opts);
  servers.add(s);
  return s;
}

async function stopEtcd(s: EtcdServer): Promise<void> {
  servers.delete(s);
  await s.destroy();
}

/** Polls `check` until it holds or `timeoutMs` passes (real time: etcd and gRPC reconnect on their own clock). */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function revisionsOf(events: StoreEvent[]): number[] {
  return events.map((e) => e.kv.revision);
}

if (missing) {
  test('etcd store conformance', { skip: missing }, () => {});
} else {
  const perStore = new Map<Store, EtcdServer>();
  storeConformance(
    'etcd',
    async () => {
      // Each test starts from an empty etcd, as the other backends start from an empty file; the previous
      // test's etcd is done with by now.
      for (const s of new Set(perStore.values())) await stopEtcd(s);
      perStore.clear();
      const server = await startEtcd();
      const store = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
      perStore.set(store, server);
      return store;
    },
    async (closed) => {
      const server = perStore.get(closed)!;
      const store = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
      perStore.set(store, server);
      return store;
    },
  );
}

describe('EtcdStore on a real etcd', { skip: missing }, () => {
  test('a watch resumes after etcd is killed and restarted, with no gap and no duplicate', async () => {
    const server = await startEtcd();
    const store = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
    try {
      const seen: StoreEvent[] = [];
      const w = store.watch('/w/', 0, { onEvents: (evs) => seen.push(...evs) });
      for (let i = 0; i < 5; i++) await store.create(`/w/a${i}`, String(i));
      assert.deepEqual(revisionsOf(seen), [1, 2, 3, 4, 5]);
      await server.stop();
      await server.start();
      // Another client writes as soon as etcd is back, before the store's watch has reconnected: the watch
      // must replay these from where it stopped, not from wherever etcd is when it reconnects.
      const other = new Etcd3({ hosts: server.url });
      for (let i = 5; i < 10; i++) await other.put(`/w/a${i}`).value(String(i));
      other.close();
      await eventually('the watch has caught up', () => seen.length >= 10);
      await store.create('/w/b', 'b');
      assert.deepEqual(revisionsOf(seen), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      assert.deepEqual(seen.map((e) => e.kv.key).slice(5, 10), ['/w/a5', '/w/a6', '/w/a7', '/w/a8', '/w/a9']);
      w.stop();
    } finally {
      await store.close();
      await stopEtcd(server);
    }
  });

  test('calls fail with StorageUnavailableError while etcd is down and succeed after it restarts, on the same store', async () => {
    const server = await startEtcd();
    const store = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0, requestTimeoutMs: 3000 });
    try {
      const a = await store.create('/u/a', '1');
      await server.stop();
      const err = await store.update('/u/a', '2', a.revision).catch((e: unknown) => e);
      assert.ok(err instanceof StorageUnavailableError, `got ${String(err)}`);
      assert.match(err.message, /^etcd is unavailable at http:\/\/127\.0\.0\.1:\d+: /);
      await assert.rejects(store.get('/u/a'), StorageUnavailableError);
      await assert.rejects(store.list('/u/'), StorageUnavailableError);
      await server.start();
      await eventually('etcd answers the store again', async () => (await store.get('/u/a').catch(() => undefined)) !== undefined);
      const u = await store.update('/u/a', '2', a.revision);
      assert.equal(u.revision, 2);
      assert.deepEqual((await store.list('/u/')).kvs.map((kv) => kv.value), ['2']);
    } finally {
      await store.close();
      await stopEtcd(server);
    }
  });

  test('compaction by another API server gives CompactedError to lists and watches of older revisions', async () => {
    const server = await startEtcd();
    const one = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
    const two = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0, historySize: 2 });
    try {
      let rev = 0;
      for (let i = 0; i < 10; i++) rev = (await one.create(`/c/k${i}`, String(i))).revision;
      await one.compact(rev - 5);
      assert.equal(one.compactedRevision(), rev - 5);
      await assert.rejects(two.list('/c/', { revision: 1 }), (e: unknown) => e instanceof CompactedError && e.compacted === rev - 5);
      assert.equal(two.compactedRevision(), rev - 5, 'the second server learned the compaction from etcd');
      assert.throws(() => two.watch('/c/', 3, { onEvents: () => {} }), CompactedError);
      // From just after the compacted revision: older than the two events the second server keeps in
      // memory, so etcd replays what it still has; from a recent revision the memory serves.
      const fromEtcd: StoreEvent[] = [];
      const fromMemory: StoreEvent[] = [];
      const w1 = two.watch('/c/', rev - 5, { onEvents: (evs) => fromEtcd.push(...evs) });
      const w = two.watch('/c/', rev - 1, { onEvents: (evs) => fromMemory.push(...evs) });
      await eventually('the remaining history is replayed', () => fromEtcd.length === 5 && fromMemory.length === 1);
      assert.deepEqual(revisionsOf(fromEtcd), [rev - 4, rev - 3, rev - 2, rev - 1, rev]);
      assert.deepEqual(revisionsOf(fromMemory), [rev]);
      w1.stop();
      w.stop();
    } finally {
      await one.close();
      await two.close();
      await stopEtcd(server);
    }
  });

  test('a fresh store learns the compacted revision from etcd', async () => {
    const server = await startEtcd();
    const one = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
    try {
      for (let i = 0; i < 20; i++) await one.create(`/f/k${i}`, String(i));
      await one.compact(13);
      const two = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
      assert.equal(two.compactedRevision(), 13);
      await two.close();
    } finally {
      await one.close();
      await stopEtcd(server);
    }
  });

  test('a value over the request limit is refused with RequestTooLargeError, by the store or by etcd', async () => {
    const server = await startEtcd();
    const store = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
    // A store told etcd takes more than it does: etcd's own refusal is reported the same way.
    const lax = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0, maxRequestBytes: 8 * 1024 * 1024 });
    try {
      const big = 'x'.repeat(1.6 * 1024 * 1024);
      const err = await store.create('/big/a', big).catch((e: unknown) => e);
      assert.ok(err instanceof RequestTooLargeError, `got ${String(err)}`);
      assert.equal(err.limit, 1.5 * 1024 * 1024);
      const refused = await lax.create('/big/a', big).catch((e: unknown) => e);
      assert.ok(refused instanceof RequestTooLargeError, `got ${String(refused)}`);
      assert.equal(refused.key, '/big/a');
      await assert.rejects(lax.create('/big/a', 'x'.repeat(3 * 1024 * 1024)), RequestTooLargeError);
      // The store is still usable, and nothing was written.
      assert.equal(await store.get('/big/a'), undefined);
      assert.equal((await store.create('/big/a', 'small')).revision, 1);
    } finally {
      await store.close();
      await lax.close();
      await stopEtcd(server);
    }
  });

  test('a full etcd quota is reported as StorageQuotaExceededError', async () => {
    const server = await startEtcd({ args: ['--quota-backend-bytes', String(2 * 1024 * 1024)] });
    const store = await EtcdStore.open({ endpoints: [server.url], compactIntervalMs: 0 });
    try {
      let err: unknown;
      for (let i = 0; i < 200 && !err; i++) err = await store.create(`/q/k${i}`, 'q'.repeat(512 * 1024)).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof StorageQuotaExceededError, `got ${String(err)}`);
      assert.match(err.message, /database space exceeded/);
    } finally {
      await store.close();
      await stopEtcd(server);
    }
  });

  test('key prefixes keep two clusters apart on one etcd, and a read waits only for its own keys', async () => {
    const server = await startEtcd();
    const a = await EtcdStore.open({ endpoints: [server.url], keyPrefix: '/cluster-a', compactIntervalMs: 0 });
    const b = await EtcdStore.open({ endpoints: [server.url], keyPrefix: '/cluster-b/', compactIntervalMs: 0 });
    try {
      const seenA: StoreEvent[] = [];
      const w = a.watch('/registry/', 0, { onEvents: (evs) => seenA.push(...evs) });
      await a.create('/registry/core/pods/ns/p', 'a');
      await b.create('/registry/core/pods/ns/p', 'b');
      await b.create('/registry/core/pods/ns/q', 'b');
      assert.deepEqual((await a.list('/registry/')).kvs.map((kv) => [kv.key, kv.value]), [['/registry/core/pods/ns/p', 'a']]);
      assert.equal(await b.count('/registry/'), 2);
      assert.equal((await a.get('/registry/core/pods/ns/p'))?.value, 'a');
      // b's writes moved etcd's revision past a's last write; a's consistent read answers promptly with a's
      // own latest revision, which a's watchers have seen.
      const started = Date.now();
      assert.equal(await a.currentRevision(), 1);
      assert.ok(Date.now() - started < 3000, `currentRevision() did not wait for a timeout (${Date.now() - started} ms)`);
      assert.equal(await b.currentRevision(), 3);
      assert.deepEqual(seenA.map((e) => e.kv.value), ['a']);
      const raw = new Etcd3({ hosts: server.url });
      assert.deepEqual((await raw.getAll().prefix('/cluster-').keys()).sort(), ['/cluster-a/registry/core/pods/ns/p', '/cluster-b/registry/core/pods/ns/p', '/cluster-b/registry/core/pods/ns/q']);
      raw.close();
      w.stop();
    } finally {
      await a.close();
      await b.close();
      await stopEtcd(server);
    }
  });

  test('TLS with a client certificate', async () => {
    const server = await startEtcd({ tls: true });
    const tls = server.clientTls!;
    const store = await EtcdStore.open({ endpoints: [server.url], ca: tls.ca, cert: tls.cert, key: tls.key, compactIntervalMs: 0, requestTimeoutMs: 3000 });
    try {
      assert.match(server.url, /^https:/);
      const seen: StoreEvent[] = [];
      const w = store.watch('/t/', 0, { onEvents: (evs) => seen.push(...evs) });
      await store.create('/t/a', 'secure');
      assert.equal((await store.get('/t/a'))?.value, 'secure');
      assert.equal(seen.length, 1);
      w.stop();
      // Without a client certificate etcd refuses the connection.
      const anonymous = new EtcdStore({ endpoints: [server.url], ca: tls.ca, compactIntervalMs: 0, requestTimeoutMs: 3000 });
      await assert.rejects(anonymous.whenReady());
      await anonymous.close();
    } finally {
      await store.close();
      await stopEtcd(server);
    }
  });
});
