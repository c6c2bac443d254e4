import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openStorage } from '../../src/cli/storage-options.js';
import { EtcdStore } from '../../src/storage/etcd/index.js';
import { SqliteStore } from '../../src/storage/index.js';
import { EtcdServer, etcdMissing } from '../storage/etcd-server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wharf-storage-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('openStorage() keeps state in SQLite in the data directory without --etcd', async () => {
  const store = await openStorage({}, dir);
  try {
    assert.ok(store instanceof SqliteStore);
    await store.create('/k/a', 'v');
  } finally {
    await store.close();
  }
});

test('openStorage() refuses a client certificate without its key', async () => {
  await assert.rejects(openStorage({ etcd: ['http://127.0.0.1:1'], etcdCertfile: '/nonexistent.crt' }, dir), /--etcd-certfile and --etcd-keyfile go together/);
});

test('openStorage() reaches a TLS etcd with the CA, certificate and key files of --etcd-cafile, --etcd-certfile, --etcd-keyfile', { skip: etcdMissing() }, async () => {
  const etcd = await EtcdServer.start({ tls: true });
  try {
    const tls = etcd.clientTls!;
    const files = { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'client.pem'), key: path.join(dir, 'client-key.pem') };
    writeFileSync(files.ca, tls.ca);
    writeFileSync(files.cert, tls.cert);
    writeFileSync(files.key, tls.key);
    const store = await openStorage({ etcd: [etcd.url], etcdCafile: files.ca, etcdCertfile: files.cert, etcdKeyfile: files.key, etcdPrefix: '/cluster-a' }, dir);
    try {
      assert.ok(store instanceof EtcdStore);
      const kv = await store.create('/registry/core/configmaps/default/a', '{}');
      assert.equal(kv.revision, 1);
      assert.equal((await store.get('/registry/core/configmaps/default/a'))?.value, '{}');
    } finally {
      await store.close();
    }
    // Without the client certificate etcd turns the store away, and startup says etcd is unavailable.
    await assert.rejects(openStorage({ etcd: [etcd.url], etcdCafile: files.ca }, dir, 0), /etcd is unavailable at https:\/\/127\.0\.0\.1/);
  } finally {
    await etcd.destroy();
  }
});

test('openStorage() waits for an etcd that starts after it', { skip: etcdMissing() }, async () => {
  const etcd = await EtcdServer.start();
  await etcd.stop();
  try {
    const opening = openStorage({ etcd: [etcd.url] }, dir, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    await etcd.start();
    const store = await opening;
    try {
      assert.equal((await store.create('/k/late', 'v')).revision, 1);
    } finally {
      await store.close();
    }
  } finally {
    await etcd.destroy();
  }
});
