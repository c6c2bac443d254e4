import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/index.js';
import { MemoryStore, SqliteStore, type Store } from '../../src/storage/index.js';
import { listJson, listObjects, listTable, type ListRequest } from '../../src/apiserver/list.js';
import { ResourceStore } from '../../src/apiserver/resource-store.js';
import { selectionFrom } from '../../src/apiserver/selection.js';
import { configMap, configMaps, pod, pods, tempSqlite } from './fixtures.js';
import { statusOf } from './status-assertions.js';

async function seeded(store: Store = new MemoryStore(), names = ['a', 'b', 'c', 'd', 'e']): Promise<ResourceStore> {
  const cms = new ResourceStore(configMaps, store);
  for (const n of names) await cms.create(configMap(n, 'ns1', { metadata: { name: n, namespace: 'ns1', labels: { letter: n, vowel: String('ae'.includes(n)) } } }));
  await cms.create(configMap('z', 'ns2'));
  return cms;
}

function req(query: string, extra: Partial<ListRequest> = {}): ListRequest {
  return { selection: selectionFrom(configMaps, new URLSearchParams(query)), limit: 0, ...extra };
}

const names = (page: { items: { obj: { metadata: { name?: string } } }[] }) => page.items.map((i) => i.obj.metadata.name);

test('listObjects() lists everything in key order, or one namespace', async () => {
  const cms = await seeded();
  const all = await listObjects(cms, req(''));
  assert.deepEqual(names(all), ['a', 'b', 'c', 'd', 'e', 'z']);
  assert.equal(all.resourceVersion, String(cms.cache.currentRevision()));
  assert.equal(all.continueToken, undefined);
  assert.equal(all.remainingItemCount, undefined);
  assert.deepEqual(names(await listObjects(cms, req('', { namespace: 'ns2' }))), ['z']);
  assert.deepEqual(names(await listObjects(cms, req('', { namespace: 'empty' }))), []);
});

test('listObjects() pages with limit and continue, counting what remains', async () => {
  const cms = await seeded();
  const p1 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  assert.deepEqual(names(p1), ['a', 'b']);
  assert.ok(p1.continueToken);
  assert.equal(p1.remainingItemCount, 3);
  const token = JSON.parse(Buffer.from(p1.continueToken!, 'base64url').toString());
  assert.deepEqual(token, { v: 'meta.k8s.io/v1', rv: Number(p1.resourceVersion), start: 'b\u0000' }, 'the start key is relative to the listed prefix');
  const p2 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p1.continueToken }));
  assert.deepEqual(names(p2), ['c', 'd']);
  assert.equal(p2.resourceVersion, p1.resourceVersion);
  assert.equal(p2.remainingItemCount, 1);
  const p3 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p2.continueToken }));
  assert.deepEqual(names(p3), ['e']);
  assert.equal(p3.continueToken, undefined);
  assert.equal(p3.remainingItemCount, undefined);
});

test('listObjects(): an exact last page has no continue token', async () => {
  const cms = await seeded(new MemoryStore(), ['a', 'b']);
  const page = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  assert.deepEqual(names(page), ['a', 'b']);
  assert.equal(page.continueToken, undefined);
});

test('listObjects(): selectors apply before the limit, and hide remainingItemCount', async () => {
  const cms = await seeded();
  const p1 = await listObjects(cms, req('labelSelector=vowel%3Dfalse', { limit: 2 }));
  assert.deepEqual(names(p1), ['b', 'c']);
  assert.ok(p1.continueToken);
  assert.equal(p1.remainingItemCount, undefined);
  const p2 = await listObjects(cms, req('labelSelector=vowel%3Dfalse', { limit: 2, continueToken: p1.continueToken }));
  assert.deepEqual(names(p2), ['d']);
  assert.deepEqual(names(await listObjects(cms, req('fieldSelector=metadata.name%3Dc'))), ['c']);
  assert.deepEqual(names(await listObjects(cms, req('fieldSelector=metadata.namespace%21%3Dns1'))), ['z']);
  assert.deepEqual(names(await listObjects(cms, req('fieldSelector=metadata.name%3Dz', { namespace: 'ns1' }))), []);
});

test('listObjects(): a continue page after later writes reads the first page\'s revision from storage', async () => {
  const cms = await seeded();
  const p1 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  // Changes after the first page are not seen by the rest of the list.
  await cms.delete('ns1', 'c');
  await cms.create(configMap('cc', 'ns1'));
  await cms.update('ns1', 'd', configMap('d', 'ns1', { data: { changed: 'yes' } }), undefined);
  const p2 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p1.continueToken }));
  assert.deepEqual(names(p2), ['c', 'd']);
  assert.equal(p2.resourceVersion, p1.resourceVersion);
  assert.deepEqual(p2.items[1].obj.data, { k: 'v' });
  assert.equal(JSON.parse(p2.items[1].json).metadata.resourceVersion, p2.items[1].obj.metadata.resourceVersion);
  const p3 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p2.continueToken }));
  assert.deepEqual(names(p3), ['e']);
  assert.equal(p3.continueToken, undefined);
  // A fresh list sees the new state.
  assert.deepEqual(names(await listObjects(cms, req('', { namespace: 'ns1' }))), ['a', 'b', 'cc', 'd', 'e']);
});

test('listObjects(): a continue page served from storage still reports remainingItemCount', async () => {
  const cms = await seeded();
  const p1 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  await cms.create(configMap('later', 'ns2'));
  const p2 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p1.continueToken }));
  assert.deepEqual(names(p2), ['c', 'd']);
  assert.equal(p2.remainingItemCount, 1);
  const filtered = await listObjects(cms, req('labelSelector=vowel%3Dfalse', { namespace: 'ns1', limit: 1, continueToken: p1.continueToken }));
  assert.deepEqual(names(filtered), ['c']);
  assert.ok(filtered.continueToken);
  assert.equal(filtered.remainingItemCount, undefined, 'a selector hides the count');
});

test('listObjects(): a continue token after compaction is 410 Expired', async () => {
  const store = new MemoryStore();
  const cms = await seeded(store);
  const p1 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  await cms.create(configMap('later', 'ns2'));
  await store.compact(await store.currentRevision());
  await assert.rejects(
    listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p1.continueToken })),
    statusOf(410, 'Expired', /^The provided continue parameter is too old to display a consistent list result\./),
  );
});

test('listObjects(): the 410 for an expired continue token carries a fresh token that continues at the current state', async () => {
  const store = new MemoryStore();
  const cms = await seeded(store);
  const p1 = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  await cms.delete('ns1', 'c');
  await store.compact(await store.currentRevision());
  let fresh: string | undefined;
  await assert.rejects(listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: p1.continueToken })), (e: unknown) => {
    assert.ok(e instanceof StatusError && e.code === 410);
    fresh = (e.status.metadata as { continue?: string }).continue;
    return true;
  });
  assert.ok(fresh, 'metadata.continue is set');
  assert.deepEqual(JSON.parse(Buffer.from(fresh!, 'base64url').toString()), { v: 'meta.k8s.io/v1', rv: -1, start: 'b\u0000' });
  const rest = await listObjects(cms, req('', { namespace: 'ns1', limit: 2, continueToken: fresh }));
  assert.deepEqual(names(rest), ['d', 'e'], 'read at the current state, after the same key');
  assert.equal(rest.resourceVersion, String(cms.cache.currentRevision()));
});

test('listObjects(): resourceVersionMatch=Exact reads the state at that revision; compacted is 410', async () => {
  const { file, cleanup } = tempSqlite();
  const store = new SqliteStore(file, { durable: false });
  try {
    const cms = await seeded(store);
    const rv = cms.cache.currentRevision();
    await cms.delete('ns1', 'a');
    await cms.create(configMap('new', 'ns1'));
    const exact = await listObjects(cms, req('', { namespace: 'ns1', resourceVersion: String(rv), resourceVersionMatch: 'Exact' }));
    assert.deepEqual(names(exact), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(exact.resourceVersion, String(rv));
    const paged = await listObjects(cms, req('', { namespace: 'ns1', resourceVersion: String(rv), resourceVersionMatch: 'Exact', limit: 3 }));
    assert.deepEqual(names(paged), ['a', 'b', 'c']);
    const rest = await listObjects(cms, req('', { namespace: 'ns1', limit: 3, continueToken: paged.continueToken }));
    assert.deepEqual(names(rest), ['d', 'e']);
    await store.compact(await store.currentRevision() - 1);
    await assert.rejects(
      listObjects(cms, req('', { resourceVersion: String(rv), resourceVersionMatch: 'Exact' })),
      statusOf(410, 'Expired', /too old resource version/),
    );
    cms.cache.stop();
  } finally {
    await store.close();
    cleanup();
  }
});

test('listObjects(): resourceVersion=0 and NotOlderThan are served from the cache at its revision', async () => {
  const cms = await seeded();
  const current = String(cms.cache.currentRevision());
  const any = await listObjects(cms, req('', { resourceVersion: '0' }));
  assert.equal(any.resourceVersion, current);
  assert.equal(any.items.length, 6);
  const notOlder = await listObjects(cms, req('', { resourceVersion: '2', resourceVersionMatch: 'NotOlderThan' }));
  assert.equal(notOlder.resourceVersion, current, 'a newer state than asked is fine');
  const legacy = await listObjects(cms, req('', { resourceVersion: '3' }));
  assert.equal(legacy.resourceVersion, current);
});

test('listObjects() rejects malformed list options with 400', async () => {
  const cms = await seeded();
  const p1 = await listObjects(cms, req('', { limit: 1 }));
  await assert.rejects(listObjects(cms, req('', { resourceVersion: 'abc' })), statusOf(400, 'BadRequest', /resourceVersion/));
  await assert.rejects(listObjects(cms, req('', { continueToken: 'not-a-token' })), statusOf(400, 'BadRequest', /^continue key is not valid/));
  const escaping = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start: '../secrets/x\u0000' })).toString('base64url');
  await assert.rejects(listObjects(cms, req('', { continueToken: escaping })), statusOf(400, 'BadRequest'));
  await assert.rejects(
    listObjects(cms, req('', { continueToken: p1.continueToken, resourceVersion: '5' })),
    statusOf(400, 'BadRequest', /^specifying resource version is not allowed when using continue$/),
  );
});

test('listObjects() accepts resourceVersion=0 with a continue token', async () => {
  const cms = await seeded();
  const p1 = await listObjects(cms, req('', { limit: 2 }));
  const p2 = await listObjects(cms, req('', { limit: 2, continueToken: p1.continueToken, resourceVersion: '0' }));
  assert.deepEqual(names(p2), ['c', 'd']);
  const p3 = await listObjects(cms, req('', { limit: 2, continueToken: p2.continueToken, resourceVersion: '' }));
  assert.deepEqual(names(p3), ['e', 'z']);
});

test('listObjects() rejects bad resourceVersionMatch combinations', async () => {
  const cms = await seeded();
  const bad = (e: unknown) => e instanceof StatusError && (e.code === 400 || e.code === 422);
  await assert.rejects(listObjects(cms, req('', { resourceVersionMatch: 'Exact' })), (e: unknown) => bad(e) && /resourceVersionMatch is forbidden unless resourceVersion is provided/.test((e as Error).message));
  await assert.rejects(listObjects(cms, req('', { resourceVersion: '1', resourceVersionMatch: 'Newest' })), (e: unknown) => bad(e) && /Unsupported value: "Newest"/.test((e as Error).message));
  await assert.rejects(listObjects(cms, req('', { resourceVersion: '0', resourceVersionMatch: 'Exact' })), (e: unknown) => bad(e) && /resourceVersionMatch "exact" is forbidden for resourceVersion "0"/.test((e as Error).message));
});

test('listObjects(): invalid ListOptions are 422 Invalid on ListOptions, as Kubernetes answers', async () => {
  const cms = await seeded();
  await assert.rejects(listObjects(cms, req('', { resourceVersionMatch: 'Exact' })), (e: unknown) => {
    statusOf(422, 'Invalid')(e);
    const status = (e as StatusError).status;
    assert.equal(status.message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    assert.deepEqual(status.details, {
      name: '', group: 'meta.k8s.io', kind: 'ListOptions',
      causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' }],
    });
    return true;
  });
  await assert.rejects(
    listObjects(cms, req('', { resourceVersion: '1', resourceVersionMatch: 'Newest' })),
    statusOf(422, 'Invalid', /resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""$/),
  );
  const p1 = await listObjects(cms, req('', { limit: 1 }));
  await assert.rejects(
    listObjects(cms, req('', { resourceVersion: '1', resourceVersionMatch: 'NotOlderThan', continueToken: p1.continueToken })),
    statusOf(422, 'Invalid', /resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided/),
  );
});

test('listObjects(): Exact at a future resourceVersion is 504 Too large resource version, not a 500', async () => {
  const cms = await seeded();
  const future = cms.cache.currentRevision() + 100;
  await assert.rejects(
    listObjects(cms, req('', { resourceVersion: String(future), resourceVersionMatch: 'Exact' })),
    (e: unknown) => {
      statusOf(504, 'Timeout', new RegExp(`^Too large resource version: ${future}, current: \\d+$`))(e);
      assert.deepEqual((e as StatusError).status.details?.causes, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
      return true;
    },
  );
});

test('listObjects() on pods selects by the kind\'s own fields', async () => {
  const store = new MemoryStore();
  const ps = new ResourceStore(pods, store);
  const bound = pod('bound');
  (bound.spec as { nodeName?: string }).nodeName = 'n1';
  await ps.create(bound);
  await ps.create(pod('free'));
  const page = await listObjects(ps, { selection: selectionFrom(pods, new URLSearchParams('fieldSelector=spec.nodeName%3Dn1')), limit: 0 });
  assert.deepEqual(names(page), ['bound']);
  const unbound = await listObjects(ps, { selection: selectionFrom(pods, new URLSearchParams('fieldSelector=spec.nodeName%3D')), limit: 0 });
  assert.deepEqual(names(unbound), ['free']);
});

test('listJson() writes a List with metadata and the cached items; listTable() a Table', async () => {
  const cms = await seeded();
  const page = await listObjects(cms, req('', { namespace: 'ns1', limit: 2 }));
  const list = JSON.parse(listJson(cms, page));
  assert.equal(list.kind, 'ConfigMapList');
  assert.equal(list.apiVersion, 'v1');
  assert.deepEqual(list.metadata, { resourceVersion: page.resourceVersion, continue: page.continueToken, remainingItemCount: 3 });
  assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a', 'b']);
  const empty = JSON.parse(listJson(cms, await listObjects(cms, req('', { namespace: 'none' }))));
  assert.deepEqual(empty.items, []);
  const table = listTable(cms, page, 'None') as { kind: string; metadata: object; rows: { cells: unknown[] }[] };
  assert.equal(table.kind, 'Table');
  assert.deepEqual(table.metadata, { resourceVersion: page.resourceVersion, continue: page.continueToken, remainingItemCount: 3 });
  assert.deepEqual(table.rows.map((r) => r.cells[0]), ['a', 'b']);
});

test('a list longer than 1,000 items is streamed whole: chunked, valid JSON, every item once, in order', async () => {
  const { startServer } = await import('./fixtures.js');
  const srv = await startServer();
  try {
    const store = srv.server.storeFor(srv.server.registry.lookup('', 'v1', 'configmaps')!);
    const count = 2600;
    // Some items carry multi-byte characters: the streamed bytes must follow UTF-8 lengths, not string lengths.
    const data = (i: number) => (i % 500 === 7 ? { text: `größe ✓ ${i} 🚢` } : undefined);
    for (let i = 0; i < count; i++) {
      const name = `cm-${String(i).padStart(5, '0')}`;
      await store.create(configMap(name, 'bulk', data(i) ? { metadata: { name, namespace: 'bulk' }, data: data(i) } : {}));
    }
    const r = await srv.call('GET', '/api/v1/namespaces/bulk/configmaps');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), null, 'streamed, not sized up front');
    assert.equal(r.body.kind, 'ConfigMapList');
    const got = (r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    assert.equal(got.length, count);
    assert.deepEqual(got, [...got].sort());
    assert.equal(new Set(got).size, count);
    const items = r.body.items as { data?: Record<string, string> }[];
    for (let i = 0; i < count; i++) assert.deepEqual(items[i]!.data, data(i) ?? { k: 'v' });
    const small = await srv.call('GET', '/api/v1/namespaces/bulk/configmaps?limit=10');
    assert.equal(small.headers.get('content-length'), String(Buffer.byteLength(small.text)));
  } finally {
    await srv.close();
  }
});
