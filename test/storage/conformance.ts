import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CompactedError,
  ConflictError,
  KeyExistsError,
  KeyNotFoundError,
  type Store,
  type StoreEvent,
} from '../../src/storage/index.js';

/**
 * The Store contract, run against every backend. `open` makes a fresh, empty store; `reopen` (when the
 * backend is durable) opens the same state again after the first is closed.
 */
export function storeConformance(name: string, open: () => Promise<Store>, reopen?: (closed: Store) => Promise<Store>): void {
  describe(`${name} store conformance`, () => {
    test('create() assigns increasing revisions and rejects an existing key', async () => {
      const s = await open();
      const a = await s.create('/registry/core/pods/ns/a', '{"a":1}');
      const b = await s.create('/registry/core/pods/ns/b', '{"b":1}');
      assert.equal(a.revision, 1);
      assert.equal(b.revision, 2);
      assert.equal(a.createRevision, 1);
      await assert.rejects(s.create('/registry/core/pods/ns/a', '{}'), KeyExistsError);
      assert.equal(await s.currentRevision(), 2);
      await s.close();
    });

    test('get() returns the current value or undefined', async () => {
      const s = await open();
      await s.create('/k/a', 'v1');
      const got = await s.get('/k/a');
      assert.deepEqual(got, { key: '/k/a', value: 'v1', revision: 1, createRevision: 1 });
      assert.equal(await s.get('/k/missing'), undefined);
      await s.close();
    });

    test('update() succeeds only at the expected revision', async () => {
      const s = await open();
      const a = await s.create('/k/a', 'v1');
      const u = await s.update('/k/a', 'v2', a.revision);
      assert.equal(u.revision, 2);
      assert.equal(u.createRevision, 1);
      const err = await s.update('/k/a', 'v3', a.revision).catch((e: unknown) => e);
      assert.ok(err instanceof ConflictError);
      assert.equal(err.current.revision, 2);
      assert.equal(err.current.value, 'v2');
      await assert.rejects(s.update('/k/missing', 'x', 1), KeyNotFoundError);
      assert.equal((await s.get('/k/a'))?.value, 'v2');
      await s.close();
    });

    test('delete() removes a key, honouring an expected revision', async () => {
      const s = await open();
      const a = await s.create('/k/a', 'v1');
      await assert.rejects(s.delete('/k/a', a.revision + 5), ConflictError);
      const ev = await s.delete('/k/a', a.revision);
      assert.equal(ev.type, 'delete');
      assert.equal(ev.kv.value, 'v1');
      assert.equal(ev.kv.revision, 2);
      assert.equal(await s.get('/k/a'), undefined);
      await assert.rejects(s.delete('/k/a'), KeyNotFoundError);
      const again = await s.create('/k/a', 'new');
      assert.equal(again.createRevision, 3);
      await s.close();
    });

    test('list() returns keys under a prefix in order, with limit and continuation', async () => {
      const s = await open();
      for (const n of ['c', 'a', 'b', 'd']) await s.create(`/r/ns1/${n}`, n);
      await s.create('/r/ns2/x', 'x');
      await s.create('/r/ns10/y', 'y');
      const all = await s.list('/r/ns1/');
      assert.deepEqual(all.kvs.map((k) => k.value), ['a', 'b', 'c', 'd']);
      assert.equal(all.more, false);
      const page1 = await s.list('/r/ns1/', { limit: 2 });
      assert.deepEqual(page1.kvs.map((k) => k.value), ['a', 'b']);
      assert.equal(page1.more, true);
      assert.equal(page1.remaining, 2);
      const page2 = await s.list('/r/ns1/', { limit: 2, after: page1.kvs[1].key, revision: page1.revision });
      assert.deepEqual(page2.kvs.map((k) => k.value), ['c', 'd']);
      assert.equal(page2.more, false);
      assert.equal(await s.count('/r/'), 6);
      await s.close();
    });

    test('list() at a past revision sees the state of that moment', async () => {
      const s = await open();
      const a = await s.create('/r/a', 'a1');
      await s.create('/r/b', 'b1');
      const at = await s.currentRevision();
      await s.update('/r/a', 'a2', a.revision);
      await s.delete('/r/b');
      await s.create('/r/c', 'c1');
      const past = await s.list('/r/', { revision: at });
      assert.deepEqual(past.kvs.map((k) => k.value), ['a1', 'b1']);
      const now = await s.list('/r/');
      assert.deepEqual(now.kvs.map((k) => k.value), ['a2', 'c1']);
      await s.close();
    });

    test('watch() replays history after a revision, then delivers live events in order', async () => {
      const s = await open();
      const a = await s.create('/w/a', '1');
      await s.create('/other/x', 'x');
      await s.update('/w/a', '2', a.revision);
      const seen: StoreEvent[] = [];
      const w = s.watch('/w/', 1, { onEvents: (evs) => seen.push(...evs) });
      assert.deepEqual(seen.map((e) => [e.type, e.kv.value, e.kv.revision]), [['put', '2', 3]]);
      await s.create('/w/b', 'b');
      await s.delete('/w/a');
      await s.create('/other/y', 'y');
      assert.deepEqual(seen.map((e) => [e.type, e.kv.key, e.kv.revision]), [
        ['put', '/w/a', 3],
        ['put', '/w/b', 4],
        ['delete', '/w/a', 5],
      ]);
      assert.equal(seen[2].kv.value, '2', 'a delete carries the value deleted');
      w.stop();
      await s.create('/w/c', 'c');
      assert.equal(seen.length, 3, 'no events after stop()');
      await s.close();
    });

    test('watch() tells watchers of progress on other prefixes', async () => {
      const s = await open();
      let progress = 0;
      const w = s.watch('/w/', 0, { onEvents: () => {}, onProgress: (rev) => (progress = rev) });
      await s.create('/other/x', 'x');
      assert.equal(progress, 1);
      w.stop();
      await s.close();
    });

    test('compact() forgets history: watching or listing before it is CompactedError', async () => {
      const s = await open();
      const a = await s.create('/c/a', '1');
      const u = await s.update('/c/a', '2', a.revision);
      await s.create('/c/b', 'b');
      await s.delete('/c/b');
      await s.compact(u.revision);
      assert.equal(s.compactedRevision(), u.revision);
      assert.throws(() => s.watch('/c/', 1, { onEvents: () => {} }), CompactedError);
      await assert.rejects(s.list('/c/', { revision: 1 }), CompactedError);
      const seen: StoreEvent[] = [];
      const w = s.watch('/c/', u.revision, { onEvents: (evs) => seen.push(...evs) });
      assert.deepEqual(seen.map((e) => e.type), ['put', 'delete']);
      w.stop();
      assert.deepEqual((await s.list('/c/')).kvs.map((k) => k.value), ['2']);
      await s.close();
    });

    test('concurrent writes in one turn all commit with distinct revisions', async () => {
      const s = await open();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(`/g/${String(i).padStart(3, '0')}`, String(i))));
      const revs = new Set(results.map((r) => r.revision));
      assert.equal(revs.size, 50);
      assert.equal((await s.list('/g/')).kvs.length, 50);
      await s.close();
    });

    if (reopen) {
      test('state survives close and reopen', async () => {
        const s = await open();
        const a = await s.create('/p/a', 'a1');
        await s.update('/p/a', 'a2', a.revision);
        await s.create('/p/b', 'b');
        await s.delete('/p/b');
        const rev = await s.currentRevision();
        await s.close();
        const again = await reopen(s);
        assert.equal(await again.currentRevision(), rev);
        assert.deepEqual((await again.list('/p/')).kvs.map((k) => [k.key, k.value]), [['/p/a', 'a2']]);
        await assert.rejects(again.create('/p/a', 'x'), KeyExistsError);
        const next = await again.create('/p/c', 'c');
        assert.equal(next.revision, rev + 1);
        await again.close();
      });
    }
  });
}
