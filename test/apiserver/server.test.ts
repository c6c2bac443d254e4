import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { MemoryStore, SqliteStore } from '../../src/storage/index.js';
import { ApiServer, serverVersion } from '../../src/apiserver/server.js';
import { configMap, startServer, startSqliteServer, tempSqlite, type TestServer } from './fixtures.js';

for (const backend of ['memory', 'sqlite'] as const) {
  describe(`ApiServer over ${backend}`, () => {
    let srv: TestServer;
    before(async () => {
      srv = backend === 'memory' ? await startServer() : await startSqliteServer();
    });
    after(async () => {
      await srv.close();
    });
    const cms = '/api/v1/namespaces/default/configmaps';

    test('health and version endpoints answer', async () => {
      for (const p of ['/healthz', '/livez', '/readyz', '/readyz/ping']) {
        const r = await srv.call('GET', p);
        assert.equal(r.status, 200, p);
        assert.equal(r.text, 'ok');
      }
      const v = await srv.call('GET', '/version');
      assert.deepEqual(v.body, serverVersion);
      assert.equal(v.body.gitVersion, 'v1.32.0+wharf');
    });

    test('listen() bootstraps the system namespaces and the kubernetes service', async () => {
      const ns = await srv.call('GET', '/api/v1/namespaces');
      assert.equal(ns.status, 200);
      assert.deepEqual(ns.body.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
      const svc = await srv.call('GET', '/api/v1/namespaces/default/services/kubernetes');
      assert.equal(svc.status, 200);
      assert.equal(svc.body.spec.clusterIP, '10.96.0.1');
      assert.deepEqual(svc.body.spec.clusterIPs, ['10.96.0.1']);
      assert.equal(svc.body.spec.ports[0].port, 443);
      assert.equal(svc.body.spec.ports[0].targetPort, Number(new URL(srv.url).port));
    });

    test('discovery: /api, /apis, group and resource lists; unknown groups are 404', async () => {
      const api = await srv.call('GET', '/api');
      assert.equal(api.body.kind, 'APIVersions');
      assert.deepEqual(api.body.versions, ['v1']);
      assert.equal(api.body.serverAddressByClientCIDRs[0].serverAddress, new URL(srv.url).host);
      const apis = await srv.call('GET', '/apis');
      assert.equal(apis.body.kind, 'APIGroupList');
      assert.ok(apis.body.groups.some((g: { name: string }) => g.name === 'apps'));
      const core = await srv.call('GET', '/api/v1');
      assert.equal(core.body.kind, 'APIResourceList');
      assert.equal(core.body.groupVersion, 'v1');
      const apps = await srv.call('GET', '/apis/apps');
      assert.equal(apps.body.kind, 'APIGroup');
      assert.equal(apps.body.preferredVersion.groupVersion, 'apps/v1');
      const appsV1 = await srv.call('GET', '/apis/apps/v1');
      assert.equal(appsV1.body.groupVersion, 'apps/v1');
      for (const p of ['/apis/nope', '/apis/nope/v1', '/api/v2', '/apis/apps/v2']) {
        const r = await srv.call('GET', p);
        assert.equal(r.status, 404, p);
        assert.equal(r.body.kind, 'Status');
      }
      const agg = await srv.call('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
      assert.equal(agg.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      assert.equal(agg.body.kind, 'APIGroupDiscoveryList');
      assert.equal(agg.headers.get('vary'), 'Accept');
    });

    test('OpenAPI v2 is served with an ETag and answers 304 to If-None-Match', async () => {
      const r = await srv.call('GET', '/openapi/v2');
      assert.equal(r.status, 200);
      const etag = r.headers.get('etag');
      assert.ok(etag);
      assert.ok(r.body.swagger === '2.0');
      const again = await fetch(`${srv.url}/openapi/v2`, { headers: { 'if-none-match': etag! } });
      assert.equal(again.status, 304);
    });

    test('CRUD on a namespaced resource', async () => {
      const created = await srv.call('POST', cms, configMap('crud'));
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('content-type'), 'application/json');
      assert.equal(created.body.metadata.namespace, 'default');
      const got = await srv.call('GET', `${cms}/crud`);
      assert.deepEqual(got.body, created.body);
      const updated = await srv.call('PUT', `${cms}/crud`, { ...got.body, data: { k: 'new' } });
      assert.equal(updated.status, 200);
      assert.ok(Number(updated.body.metadata.resourceVersion) > Number(created.body.metadata.resourceVersion));
      const patched = await srv.call('PATCH', `${cms}/crud`, { data: { extra: 'x' } }, { 'content-type': 'application/merge-patch+json' });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual(patched.body.data, { k: 'new', extra: 'x' });
      const list = await srv.call('GET', cms);
      assert.equal(list.body.kind, 'ConfigMapList');
      assert.ok(list.body.items.some((i: { metadata: { name: string } }) => i.metadata.name === 'crud'));
      const del = await srv.call('DELETE', `${cms}/crud`);
      assert.equal(del.status, 200);
      const gone = await srv.call('GET', `${cms}/crud`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.message, 'configmaps "crud" not found');
    });

    test('admission: creating in a missing namespace is 404', async () => {
      const r = await srv.call('POST', '/api/v1/namespaces/nope/configmaps', configMap('x', 'nope'));
      assert.equal(r.status, 404);
      assert.equal(r.body.message, 'namespaces "nope" not found');
    });

    test('URLs that address nothing are 404; methods a URL does not take are 405', async () => {
      assert.equal((await srv.call('GET', '/api/v1/widgets')).status, 404);
      assert.equal((await srv.call('GET', '/api/v1/namespaces/default/nodes')).status, 404, 'cluster-scoped under a namespace');
      assert.equal((await srv.call('GET', '/api/v1/configmaps/x')).status, 404, 'a namespaced object without its namespace');
      assert.equal((await srv.call('GET', '/nothing-here')).status, 404);
      assert.equal((await srv.call('POST', `${cms}/named`, configMap('named'))).status, 405);
      assert.equal((await srv.call('DELETE', '/api/v1/namespaces')).status, 405);
      assert.equal((await srv.call('PUT', cms, configMap('x'))).status, 405);
    });

    test('bad bodies are 400 or 415 and change nothing', async () => {
      const badJson = await srv.call('POST', cms, '{"kind":', { 'content-type': 'application/json' });
      assert.equal(badJson.status, 400);
      const unsupported = await srv.call('POST', cms, 'x', { 'content-type': 'text/plain' });
      assert.equal(unsupported.status, 415);
      assert.equal(unsupported.body.reason, 'UnsupportedMediaType');
      const wrongKind = await srv.call('POST', cms, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
      assert.equal(wrongKind.status, 400);
      const yaml = await srv.call('POST', cms, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n', { 'content-type': 'application/yaml' });
      assert.equal(yaml.status, 201, yaml.text);
    });

    test('a malformed percent-escape in the path is 400, not 500', async () => {
      const r = await srv.call('GET', '/api/v1/namespaces/%zz/configmaps');
      assert.equal(r.status, 400);
    });

    test('deletecollection deletes what the selector picks', async () => {
      for (const [n, team] of [['dc-a', 'x'], ['dc-b', 'x'], ['dc-c', 'y']]) {
        assert.equal((await srv.call('POST', cms, { ...configMap(n), metadata: { name: n, labels: { team } } })).status, 201);
      }
      const r = await srv.call('DELETE', `${cms}?labelSelector=team%3Dx`);
      assert.equal(r.status, 200);
      assert.equal(r.body.kind, 'ConfigMapList');
      assert.deepEqual(r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['dc-a', 'dc-b']);
      const left = await srv.call('GET', `${cms}?labelSelector=team`);
      assert.deepEqual(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['dc-c']);
    });

    test('GET with a Table Accept header answers a Table', async () => {
      assert.equal((await srv.call('POST', cms, configMap('tbl'))).status, 201);
      const r = await srv.call('GET', `${cms}/tbl`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      assert.equal(r.body.kind, 'Table');
      assert.equal(r.body.rows[0].cells[0], 'tbl');
      assert.equal(r.body.rows[0].object.kind, 'PartialObjectMetadata');
      const list = await srv.call('GET', `${cms}?limit=1`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      assert.equal(list.body.kind, 'Table');
      assert.equal(list.body.rows.length, 1);
      assert.ok(list.body.metadata.continue);
    });
  });
}

test('ApiServer over SQLite keeps objects across a restart', async () => {
  const { file, cleanup } = tempSqlite();
  try {
    const first = await startServer(new SqliteStore(file, { durable: false }));
    const created = await first.call('POST', '/api/v1/namespaces/default/configmaps', configMap('kept'));
    assert.equal(created.status, 201);
    await first.close();
    const second = await startServer(new SqliteStore(file, { durable: false }));
    try {
      const got = await second.call('GET', '/api/v1/namespaces/default/configmaps/kept');
      assert.equal(got.status, 200);
      assert.equal(got.body.metadata.uid, created.body.metadata.uid);
      assert.equal(got.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
      const svcs = await second.call('GET', '/api/v1/services');
      assert.equal(svcs.body.items.length, 1, 'bootstrap does not duplicate the kubernetes service');
    } finally {
      await second.close();
    }
  } finally {
    cleanup();
  }
});

test('ApiServer compacts storage history one interval behind', async () => {
  const store = new MemoryStore();
  const server = new ApiServer({ store, compactionIntervalMs: 100 });
  const port = await server.listen(0);
  try {
    const url = `http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps`;
    const post = (name: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(configMap(name)) });
    assert.equal((await post('before')).status, 201);
    const early = await store.currentRevision();
    await new Promise((r) => setTimeout(r, 350));
    assert.ok(store.compactedRevision() >= early, `compacted to ${store.compactedRevision()}, expected at least ${early}`);
    // The watch caches keep serving after compaction.
    assert.equal((await post('after')).status, 201);
    const list = (await (await fetch(url)).json()) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(list.items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt'), ['after', 'before']);
  } finally {
    await server.close();
  }
});

test('activity() moves with requests and with watch-cache history let go, not with time alone', async () => {
  const store = new MemoryStore();
  const server = new ApiServer({ store, watchHistory: { maxAgeMs: 80, keepAtLeast: 0 } });
  const port = await server.listen(0);
  try {
    const url = `http://127.0.0.1:${port}/api/v1/namespaces/default/configmaps`;
    await fetch(url).then((r) => r.text());
    const before = server.activity();
    const created = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(configMap('aging')) });
    assert.equal(created.status, 201);
    const afterRequest = server.activity();
    const requests = server.requestCount;
    assert.ok(afterRequest > before, `${afterRequest} > ${before}`);
    // No request comes now: the configmap's ADDED event ages out of the history, and that counts.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(server.requestCount, requests);
    assert.ok(server.activity() > afterRequest, `${server.activity()} > ${afterRequest}: history let go counts as activity`);
    const settled = server.activity();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(server.activity(), settled, 'nothing left to let go: the counter stays');
  } finally {
    await server.close();
  }
});

test('listenLocal() serves the API on a Unix socket, replaces a dead one, and refuses one a live server answers on', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-local-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socketPath = path.join(dir, 'api.sock');
  // A socket file whose server was killed with -9: the file stays, nothing answers on it.
  spawnSync(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  assert.ok(statSync(socketPath).isSocket(), 'the killed server left its socket file');
  const first = await startServer();
  const second = await startServer();
  try {
    await first.server.listenLocal(socketPath);
    assert.equal(statSync(socketPath).mode & 0o777, 0o600);
    const version = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ socketPath, path: '/version' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(version.status, 200);
    assert.match(JSON.parse(version.body).gitVersion, /^v1\./);
    await assert.rejects(second.server.listenLocal(socketPath), /is in use by another server/);
    assert.ok(statSync(socketPath).isSocket(), "the first server's socket is left in place");
  } finally {
    await second.close();
    await first.close();
  }
  assert.equal(existsSync(socketPath), false, 'closing the server removes its socket');
});
