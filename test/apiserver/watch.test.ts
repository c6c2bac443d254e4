import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openWatch, startServer, type TestServer } from './fixtures.js';

const cms = '/api/v1/namespaces/default/configmaps';
const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

describe('watch over HTTP', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.close();
  });

  async function create(name: string, labels: Record<string, string> = {}, ns = 'default'): Promise<{ resourceVersion: string }> {
    const r = await srv.call('POST', `/api/v1/namespaces/${ns}/configmaps`, cm(name, labels));
    assert.equal(r.status, 201, r.text);
    return r.body.metadata;
  }

  async function replace(name: string, labels: Record<string, string>, data: Record<string, string> = { k: 'v' }): Promise<void> {
    const r = await srv.call('PUT', `${cms}/${name}`, cm(name, labels, data));
    assert.equal(r.status, 200, r.text);
  }

  test('a watch without resourceVersion starts with ADDED for every object, then streams changes', async () => {
    await create('w-init-a', { suite: 'init' });
    await create('w-init-b', { suite: 'init' });
    const w = await openWatch(`${srv.url}${cms}?watch=true&labelSelector=suite%3Dinit`);
    assert.equal(w.status, 200);
    await w.until((e) => e.length >= 2);
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w-init-a'], ['ADDED', 'w-init-b']]);
    assert.equal(w.events[0].object.kind, 'ConfigMap');
    assert.equal(w.events[0].object.apiVersion, 'v1');
    await replace('w-init-a', { suite: 'init' }, { k: 'changed' });
    const del = await srv.call('DELETE', `${cms}/w-init-b`);
    assert.equal(del.status, 200);
    await w.until((e) => e.length >= 4);
    assert.deepEqual(w.events.slice(2).map((e) => [e.type, e.object.metadata.name]), [['MODIFIED', 'w-init-a'], ['DELETED', 'w-init-b']]);
    assert.deepEqual(w.events[2].object.data, { k: 'changed' });
    assert.equal(w.events[3].object.metadata.resourceVersion, del.body.metadata.resourceVersion, 'DELETED carries the delete\'s resourceVersion');
    w.close();
  });

  test('a watch from a resourceVersion replays only later events', async () => {
    const { resourceVersion } = await create('w-from-a', { suite: 'from' });
    await create('w-from-b', { suite: 'from' });
    const w = await openWatch(`${srv.url}${cms}?watch=1&labelSelector=suite%3Dfrom&resourceVersion=${resourceVersion}`);
    await w.until((e) => e.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w-from-b']]);
    w.close();
  });

  test('resourceVersion=0 starts with the current objects', async () => {
    await create('w-zero', { suite: 'zero' });
    const w = await openWatch(`${srv.url}${cms}?watch=true&labelSelector=suite%3Dzero&resourceVersion=0`);
    await w.until((e) => e.length >= 1);
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w-zero']]);
    w.close();
  });

  test('an object entering a label selector is ADDED for that watcher, leaving it DELETED', async () => {
    await create('w-sel', { role: 'other' });
    const w = await openWatch(`${srv.url}${cms}?watch=true&labelSelector=role%3Dpicked`);
    await replace('w-sel', { role: 'picked' });
    await w.until((e) => e.length >= 1);
    assert.equal(w.events[0].type, 'ADDED');
    await replace('w-sel', { role: 'picked' }, { k: 'again' });
    await w.until((e) => e.length >= 2);
    assert.equal(w.events[1].type, 'MODIFIED');
    await replace('w-sel', { role: 'gone' });
    await w.until((e) => e.length >= 3);
    assert.equal(w.events[2].type, 'DELETED');
    assert.deepEqual(w.events[2].object.metadata.labels, { role: 'gone' }, 'the DELETED event shows the object as it now is');
    // Changes outside the selection are not sent.
    await replace('w-sel', { role: 'still-gone' });
    await create('w-sel-later', { role: 'picked' });
    await w.until((e) => e.length >= 4);
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED', 'ADDED']);
    assert.equal(w.events[3].object.metadata.name, 'w-sel-later');
    w.close();
  });

  test('a namespaced watch sees only its namespace', async () => {
    const ns = await srv.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watch-other' } });
    assert.equal(ns.status, 201);
    const w = await openWatch(`${srv.url}/api/v1/namespaces/watch-other/configmaps?watch=true`);
    await create('w-ns-default', {});
    await create('w-ns-other', {}, 'watch-other');
    await w.until((e) => e.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(w.events.map((e) => e.object.metadata.name), ['w-ns-other']);
    w.close();
  });

  test('a watch on one object\'s /watch/ URL sees only that object', async () => {
    await create('w-one', {});
    await create('w-one-not', {});
    const w = await openWatch(`${srv.url}/api/v1/watch/namespaces/default/configmaps/w-one`);
    await w.until((e) => e.length >= 1);
    await replace('w-one-not', { x: 'y' });
    await replace('w-one', { x: 'y' });
    await w.until((e) => e.length >= 2);
    assert.deepEqual(w.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'w-one'], ['MODIFIED', 'w-one']]);
    w.close();
  });

  test('timeoutSeconds ends the stream, with a final BOOKMARK when bookmarks are allowed', async () => {
    const plain = await openWatch(`${srv.url}${cms}?watch=true&labelSelector=none%3Dhere&timeoutSeconds=1`);
    const marked = await openWatch(`${srv.url}${cms}?watch=true&labelSelector=none%3Dhere&timeoutSeconds=1&allowWatchBookmarks=true`);
    const started = Date.now();
    await Promise.all([plain.ended, marked.ended]);
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual(plain.events, []);
    assert.equal(marked.events.length, 1);
    assert.equal(marked.events[0].type, 'BOOKMARK');
    assert.equal(marked.events[0].object.kind, 'ConfigMap');
    assert.match(marked.events[0].object.metadata.resourceVersion, /^\d+$/);
  });

  test('sendInitialEvents with bookmarks ends the initial events with an initial-events-end BOOKMARK', async () => {
    await create('w-stream', { suite: 'stream' });
    const w = await openWatch(`${srv.url}${cms}?watch=true&labelSelector=suite%3Dstream&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    await w.until((e) => e.length >= 2);
    assert.equal(w.events[0].type, 'ADDED');
    assert.equal(w.events[1].type, 'BOOKMARK');
    assert.deepEqual(w.events[1].object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    w.close();
  });

  test('a watch from a resourceVersion the cache no longer holds gets a 410 ERROR event', async () => {
    // The configmaps cache started when this suite first wrote one; revision 1 is older than that.
    const w = await openWatch(`${srv.url}${cms}?watch=true&resourceVersion=1`);
    assert.equal(w.status, 200);
    await w.ended;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].type, 'ERROR');
    assert.equal(w.events[0].object.kind, 'Status');
    assert.equal(w.events[0].object.code, 410);
    assert.equal(w.events[0].object.reason, 'Expired');
    assert.match(w.events[0].object.message, /^too old resource version: 1 \(\d+\)$/);
  });

  test('bad watch parameters are 400 before the stream starts', async () => {
    const rv = await srv.call('GET', `${cms}?watch=true&resourceVersion=abc`);
    assert.equal(rv.status, 400);
    assert.equal(rv.body.reason, 'BadRequest');
    const timeout = await srv.call('GET', `${cms}?watch=true&timeoutSeconds=-1`);
    assert.equal(timeout.status, 400);
  });

  test('Table watches send column definitions only in the first event', async () => {
    await create('w-table-a', { suite: 'table' });
    await create('w-table-b', { suite: 'table' });
    const abort = new AbortController();
    const res = await fetch(`${srv.url}${cms}?watch=true&labelSelector=suite%3Dtable`, {
      headers: { accept: 'application/json;as=Table;g=meta.k8s.io;v=v1' },
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    while (text.split('\n').filter(Boolean).length < 2) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    const [first, second] = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(first.object.kind, 'Table');
    assert.ok(Array.isArray(first.object.columnDefinitions));
    assert.equal(second.object.columnDefinitions, null);
    assert.equal(second.object.rows[0].cells[0], 'w-table-b');
  });
});
