import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { DeletedFinalStateUnknown, Informer, listerWatcherFor, type EventHandler, type ListerWatcher } from '../../src/client/informer.js';
import { configMap, configMaps, eventually, pod, pods, quiet, startApi } from './fixtures.js';
import { ApiServer } from '../../src/apiserver/server.js';

/** Records handler calls as short strings: `add a`, `update a 1->2`, `delete a`, `tombstone a`. */
function recorder(): { log: string[]; handler: EventHandler } {
  const log: string[] = [];
  const data = (o: KubeObject) => (o.data as Record<string, string> | undefined)?.k ?? '';
  return {
    log,
    handler: {
      onAdd: (o, initial) => log.push(`add ${o.metadata.name}${initial ? ' (initial)' : ''}`),
      onUpdate: (a, b) => log.push(`update ${b.metadata.name} ${data(a)}->${data(b)}`),
      onDelete: (o) => log.push(o instanceof DeletedFinalStateUnknown ? `tombstone ${o.obj.metadata.name}` : `delete ${o.metadata.name}`),
    },
  };
}

test('Informer syncs the initial list, then follows adds, updates and deletes', async () => {
  const api = await startApi();
  const { client } = api;
  const informer = new Informer(listerWatcherFor(client, configMaps, { namespace: 'default' }), { name: 'configmaps', logger: quiet, pageSize: 1 });
  try {
    await client.create(configMaps, configMap('a', { k: '1' }));
    await client.create(configMaps, configMap('b', { k: '1' }));
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    assert.equal(informer.hasSynced(), false);
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.deepEqual(log.sort(), ['add a (initial)', 'add b (initial)'], 'both pages of the paged list arrived');
    assert.ok(informer.lastSyncResourceVersion);
    log.length = 0;

    const a = await client.get(configMaps, 'a', { namespace: 'default' });
    await client.update(configMaps, { ...a, data: { k: '2' } });
    await client.create(configMaps, configMap('c', { k: '1' }));
    await client.delete(configMaps, 'b', { namespace: 'default' });
    await eventually(() => log.length === 3, 5000, 'three events');
    assert.deepEqual(log, ['update a 1->2', 'add c', 'delete b']);
    assert.deepEqual(informer.store.listKeys().sort(), ['default/a', 'default/c']);
    assert.equal((informer.store.get('default/a')?.data as { k: string }).k, '2');

    // A handler added after sync first hears about everything cached.
    const late = recorder();
    informer.addEventHandler(late.handler);
    assert.deepEqual(late.log.sort(), ['add a (initial)', 'add c (initial)']);
  } finally {
    await informer.stop();
    await api.close();
  }
});

test('Informer indexers answer byIndex from the cache as pods move between nodes', async () => {
  const api = await startApi();
  const informer = new Informer(listerWatcherFor(api.client, pods), { logger: quiet });
  informer.addIndexers({ byNode: (p) => [String((p.spec as { nodeName?: string }).nodeName ?? '')] });
  try {
    await api.client.create(pods, pod('p1', 'n1'));
    await api.client.create(pods, pod('p2'));
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(informer.store.byIndex('byNode', 'n1').map((p) => p.metadata.name), ['p1']);
    assert.deepEqual(informer.store.indexKeys('byNode', ''), ['default/p2']);
    await api.client.create(pods, pod('p3', 'n1'));
    await eventually(() => informer.store.indexKeys('byNode', 'n1').length === 2, 5000, 'p3 on n1');
    await api.client.delete(pods, 'p1', { namespace: 'default', gracePeriodSeconds: 0 });
    await eventually(() => informer.store.indexKeys('byNode', 'n1').join() === 'default/p3', 5000, 'p1 gone from n1');
  } finally {
    await informer.stop();
    await api.close();
  }
});

test('Informer re-lists after the server restarts, delivering changes missed meanwhile with tombstones', async () => {
  const api = await startApi();
  const { client } = api;
  const informer = new Informer(listerWatcherFor(client, configMaps, { namespace: 'default' }), { logger: quiet, backoff: { initialMs: 50, maxMs: 200 } });
  try {
    await client.create(configMaps, configMap('stays', { k: '1' }));
    await client.create(configMaps, configMap('changes', { k: '1' }));
    await client.create(configMaps, configMap('goes', { k: '1' }));
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    informer.start();
    await informer.waitForSync();
    log.length = 0;

    await api.stopServer(); // breaks the watch stream
    const def = api.server.registry.lookup('', 'v1', 'configmaps')!;
    await api.restartServer(async () => {
      // Written while the informer cannot watch, by a server of their own, and the history then
      // compacted: the watch cannot resume, so only a re-list can tell it.
      const writer = new ApiServer({ store: api.store });
      const store = writer.storeFor(def);
      const changes = (await store.get('default', 'changes')).obj;
      await store.update('default', 'changes', { ...changes, data: { k: '2' } }, undefined);
      await store.delete('default', 'goes');
      await store.create(configMap('new', { k: '1' }));
      await writer.close();
      await api.store.compact(await api.store.currentRevision());
    });
    await eventually(() => log.length >= 3, 10_000, 're-list');
    assert.deepEqual(log.sort(), ['add new', 'tombstone goes', 'update changes 1->2']);
    assert.deepEqual(informer.store.listKeys().sort(), ['default/changes', 'default/new', 'default/stays']);

    // The watch resumed on the new server.
    await client.create(configMaps, configMap('after', { k: '1' }));
    await eventually(() => log.includes('add after'), 5000, 'watch after restart');
  } finally {
    await informer.stop();
    await api.close();
  }
});

test('Informer re-lists when the watch answers 410 Expired', async () => {
  const api = await startApi();
  let lists = 0;
  let watches = 0;
  const real = listerWatcherFor(api.client, configMaps);
  const lw: ListerWatcher = {
    list: (opts) => {
      lists++;
      return real.list(opts);
    },
    // The first watch asks for a revision the server has long dropped.
    watch: (opts) => real.watch({ ...opts, resourceVersion: ++watches === 1 ? '1' : opts.resourceVersion }),
  };
  const informer = new Informer(lw, { logger: quiet });
  try {
    await api.client.create(configMaps, configMap('x'));
    informer.start();
    await informer.waitForSync();
    await eventually(() => lists === 2 && watches === 2, 5000, 'a second list and watch');
    await api.client.create(configMaps, configMap('y'));
    await eventually(() => informer.store.get('default/y') !== undefined, 5000, 'y through the new watch');
  } finally {
    await informer.stop();
    await api.close();
  }
});

test('Informer resyncs cached objects as updates; a throwing handler does not stop the others', async () => {
  const api = await startApi();
  const informer = new Informer(listerWatcherFor(api.client, configMaps, { namespace: 'default' }), { logger: quiet, resyncPeriodMs: 50 });
  try {
    await api.client.create(configMaps, configMap('r'));
    informer.addEventHandler({ onAdd: () => { throw new Error('handler bug'); }, onUpdate: () => { throw new Error('handler bug'); } });
    const resyncs: string[] = [];
    informer.addEventHandler({ onUpdate: (a, b) => { if (a === b) resyncs.push(b.metadata.name!); } });
    informer.start();
    await informer.waitForSync();
    await eventually(() => resyncs.length >= 2, 5000, 'two resyncs');
    assert.ok(resyncs.every((n) => n === 'r'));
  } finally {
    await informer.stop();
    await api.close();
  }
});

test('Informer.waitForSync() resolves false when stopped before syncing', async () => {
  const lw: ListerWatcher = {
    list: () => new Promise(() => {}),
    watch: () => new Promise(() => {}),
  };
  const informer = new Informer(lw, { logger: quiet });
  informer.start();
  const waiting = informer.waitForSync();
  const abort = new AbortController();
  const waitingWithSignal = informer.waitForSync(abort.signal);
  abort.abort();
  assert.equal(await waitingWithSignal, false);
  void informer.stop();
  assert.equal(await waiting, false);
});

test('Informer backs off when the server ends every watch at once', async () => {
  let watches = 0;
  const lw: ListerWatcher = {
    list: async () => ({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '5' }, items: [] }),
    watch: async () => {
      watches++;
      return { stop() {}, async *[Symbol.asyncIterator]() {} };
    },
  };
  const informer = new Informer(lw, { logger: quiet, backoff: { initialMs: 50, maxMs: 100 } });
  informer.start();
  await informer.waitForSync();
  await new Promise((r) => setTimeout(r, 300));
  await informer.stop();
  assert.ok(watches >= 2 && watches <= 8, `${watches} watches in 300 ms`);
});

test('Informer re-lists (after a backoff) when a watch stream breaks mid-way', async () => {
  let lists = 0;
  let watches = 0;
  const cm = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', resourceVersion: rv } });
  const lw: ListerWatcher = {
    list: async () => {
      lists++;
      return { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '10' }, items: lists === 1 ? [cm('a', '1')] : [cm('b', '11')] };
    },
    watch: async () => {
      const n = ++watches;
      return {
        stop() {},
        async *[Symbol.asyncIterator]() {
          if (n > 1) return new Promise<never>(() => {}) as never;
          yield { type: 'ADDED' as const, object: cm('c', '10') };
          throw new Error('socket hang up');
        },
      };
    },
  };
  const { log, handler } = recorder();
  const informer = new Informer(lw, { logger: quiet, backoff: { initialMs: 20, maxMs: 40 } });
  informer.addEventHandler(handler);
  informer.start();
  try {
    await eventually(() => lists === 2, 5000, 'a second list');
    await eventually(() => informer.store.listKeys().join() === 'default/b', 5000, 'store replaced');
    assert.deepEqual(log, ['add a (initial)', 'add c', 'add b', 'tombstone a', 'tombstone c']);
  } finally {
    void informer.stop();
  }
});
