import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EtcdServer, etcdMissing } from '../storage/etcd-server.js';
import { api, credentialsOf, startWharf, tempDataDir, type WharfServer } from './harness.js';

const missing = etcdMissing();

type ApiServerProcess = WharfServer & { kubeconfig: string };

/** Runs `wharf apiserver` on a free port and waits until it says where it listens. */
async function startApiServer(dataDir: string, etcdUrl: string): Promise<ApiServerProcess> {
  const server = await startWharf(['apiserver', '--data-dir', dataDir, '--port', '0', '--etcd', etcdUrl]);
  return { ...server, kubeconfig: path.join(dataDir, 'kubeconfig') };
}

interface WatchEvent {
  type: string;
  object: { metadata: { name: string; resourceVersion: string } };
}

/** Opens a watch and collects its events until closed. */
function openWatch(server: { url: string; kubeconfig: string }, pathAndQuery: string): { events: WatchEvent[]; close: () => void; opened: Promise<void> } {
  const creds = credentialsOf(server.kubeconfig);
  const events: WatchEvent[] = [];
  let buffered = '';
  let close = () => {};
  const opened = new Promise<void>((resolve, reject) => {
    const req = httpsRequest(new URL(server.url + pathAndQuery), { ca: creds.ca, cert: creds.cert, key: creds.key }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch answered ${res.statusCode}`));
      resolve();
      // A server killed mid-stream resets the connection; the events read so far are what counts.
      res.on('error', () => {});
      res.on('data', (d: Buffer) => {
        buffered += d.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as WatchEvent);
        }
      });
    });
    req.on('error', () => {});
    req.end();
    close = () => req.destroy();
  });
  return { events, close, opened };
}

async function eventually(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two wharf apiservers on one etcd', { skip: missing, timeout: 180_000 }, () => {
  let etcd: EtcdServer;
  let one: ApiServerProcess;
  let two: ApiServerProcess;
  const data = tempDataDir();

  before(async () => {
    etcd = await EtcdServer.start();
    // The second shares the first's certificates (one data directory), as copies of pki/ would on two hosts.
    one = await startApiServer(data.dir, etcd.url);
    two = await startApiServer(data.dir, etcd.url);
  });

  after(async () => {
    await one?.stop();
    await two?.stop();
    await etcd?.destroy();
    data.cleanup();
  });

  test('writes through one are watched through the other in order, with no gap or duplicate, at the same resourceVersions', async () => {
    const cms = '/api/v1/namespaces/default/configmaps';
    const listed = await api(two, 'GET', cms);
    assert.equal(listed.status, 200);
    const watch = openWatch(two, `${cms}?watch=true&resourceVersion=${listed.body.metadata.resourceVersion}`);
    await watch.opened;
    const written: { type: string; name: string; rv: string }[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const name = `cm-${i}`;
        const created = await api(one, 'POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        written.push({ type: 'ADDED', name, rv: created.body.metadata.resourceVersion });
        if (i % 3 === 0) {
          const updated = await api(one, 'PUT', `${cms}/${name}`, { ...created.body, data: { i: `${i}-updated` } });
          assert.equal(updated.status, 200, JSON.stringify(updated.body));
          written.push({ type: 'MODIFIED', name, rv: updated.body.metadata.resourceVersion });
        }
        if (i % 5 === 0) {
          const deleted = await api(one, 'DELETE', `${cms}/${name}`);
          assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
          written.push({ type: 'DELETED', name, rv: deleted.body.metadata.resourceVersion });
        }
      }
      await eventually(`the second server delivered ${written.length} events`, () => watch.events.length >= written.length);
      await new Promise((r) => setTimeout(r, 500));
      const seen = watch.events.map((e) => ({ type: e.type, name: e.object.metadata.name, rv: e.object.metadata.resourceVersion }));
      assert.deepEqual(seen, written);
    } finally {
      watch.close();
    }
    // Reads through the second server give the first server's resourceVersions.
    for (const name of ['cm-1', 'cm-3', 'cm-29']) {
      const a = await api(one, 'GET', `${cms}/${name}`);
      const b = await api(two, 'GET', `${cms}/${name}`);
      assert.equal(b.status, 200);
      assert.equal(b.body.metadata.resourceVersion, a.body.metadata.resourceVersion);
      assert.deepEqual(b.body.data, a.body.data);
    }
  });

  test('services created through both servers at once get distinct cluster IPs', async () => {
    const svcs = '/api/v1/namespaces/default/services';
    const created = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        api(i % 2 ? two : one, 'POST', svcs, { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}` }, spec: { type: 'NodePort', ports: [{ port: 80 }] } }),
      ),
    );
    for (const r of created) assert.equal(r.status, 201, JSON.stringify(r.body));
    const ips = created.map((r) => r.body.spec.clusterIP as string);
    assert.equal(new Set(ips).size, ips.length, `distinct cluster IPs: ${ips.join(' ')}`);
    const ports = created.map((r) => r.body.spec.ports[0].nodePort as number);
    assert.equal(new Set(ports).size, ports.length, `distinct node ports: ${ports.join(' ')}`);
  });

  test('killing one API server while clients write through both loses no acknowledged write, and a watcher moved to the other misses nothing', async () => {
    const cms = '/api/v1/namespaces/default/configmaps';
    const start = await api(one, 'GET', cms);
    let watch = openWatch(one, `${cms}?watch=true&resourceVersion=${start.body.metadata.resourceVersion}`);
    await watch.opened;
    const seen: WatchEvent[] = [];
    const acknowledged: { name: string; rv: string }[] = [];
    let stopWriting = false;
    let killed = false;
    // Two writers, one per server; a writer whose server died goes on through the other.
    const writer = async (prefix: string, preferred: ApiServerProcess) => {
      for (let i = 0; !stopWriting; i++) {
        const name = `${prefix}-${i}`;
        const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { seq: String(i) } } };
        for (;;) {
          const target = killed && preferred === one ? two : preferred;
          const r = await api(target, 'POST', cms, body).catch(() => undefined);
          if (r?.status === 201) {
            acknowledged.push({ name, rv: r.body.metadata.resourceVersion });
            break;
          }
          // Unanswered (the server died mid-request): the create may or may not have landed; 409 means it did.
          if (r?.status === 409) break;
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    };
    const writers = [writer('fa', one), writer('fb', two)];
    await eventually('some writes are acknowledged', () => acknowledged.length >= 20);
    one.process.kill('SIGKILL');
    killed = true;
    await new Promise((r) => one.process.once('exit', r));
    // The watcher's stream ended with its server; it resumes on the other from the last resourceVersion it saw.
    seen.push(...watch.events);
    const lastRv = seen.length ? seen[seen.length - 1].object.metadata.resourceVersion : start.body.metadata.resourceVersion;
    watch.close();
    watch = openWatch(two, `${cms}?watch=true&resourceVersion=${lastRv}`);
    await watch.opened;
    const afterKill = acknowledged.length;
    await eventually('writes go on through the surviving server', () => acknowledged.length >= afterKill + 20);
    stopWriting = true;
    await Promise.all(writers);
    const expected = new Set(acknowledged.map((a) => a.name));
    await eventually('the moved watcher saw every acknowledged write', () => {
      const names = new Set([...seen, ...watch.events].map((e) => e.object.metadata.name));
      return [...expected].every((n) => names.has(n));
    });
    const all = [...seen, ...watch.events].filter((e) => e.type === 'ADDED');
    watch.close();
    const names = all.map((e) => e.object.metadata.name);
    assert.equal(new Set(names).size, names.length, 'no event twice');
    const rvs = all.map((e) => Number(e.object.metadata.resourceVersion));
    for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i] > rvs[i - 1], `in resourceVersion order at ${i}: ${rvs[i - 1]} then ${rvs[i]}`);
    for (const a of acknowledged) {
      const ev = all.find((e) => e.object.metadata.name === a.name);
      assert.equal(ev?.object.metadata.resourceVersion, a.rv, `${a.name} watched at the resourceVersion its create answered`);
    }
    // And the surviving server lists every acknowledged write.
    const listed = await api(two, 'GET', cms);
    const stored = new Set((listed.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
    for (const n of expected) assert.ok(stored.has(n), `${n} is stored`);
  });
});
