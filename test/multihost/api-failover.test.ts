/**
 * API server and etcd failures on the multi-host rig (network namespaces on this machine): etcd and two
 * API servers on separate hosts, with a client host writing continuously through both.
 * - Killing one API server loses no acknowledged write, and a watcher resumed on the other misses no
 *   event (every stored object delivered once, in resourceVersion order).
 * - Killing etcd makes calls fail with 503 while it is down; when it is back everything resumes with no
 *   restart of Wharf.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { credentialsOf } from '../e2e/harness.js';
import { etcdBinary, etcdMissing } from '../storage/etcd-server.js';
import type { LoadResult } from './load-client.js';
import { Rig, rigUnavailable, type HostProcess } from './rig.js';
import { eventually, nodeArgv, sleep, type WharfProcess } from './wharf-process.js';

const unavailable = await rigUnavailable();
const loadClient = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load-client.ts');

describe('etcd and two API servers on separate hosts', { skip: unavailable ?? etcdMissing() }, () => {
  let rig: Rig;
  let etcd: HostProcess;
  const apiServers = new Map<string, WharfProcess>();

  function startEtcd(): HostProcess {
    const ip = rig.host('etcd').ip;
    return rig.spawn('etcd', [
      etcdBinary,
      '--name', 'rig',
      '--data-dir', `${rig.dir}/etcd`,
      '--listen-client-urls', `http://${ip}:2379`,
      '--advertise-client-urls', `http://${ip}:2379`,
      '--listen-peer-urls', 'http://127.0.0.1:2380',
      '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
      '--initial-cluster', 'rig=http://127.0.0.1:2380',
      '--heartbeat-interval', '50',
      '--election-timeout', '300',
      // A SIGKILLed etcd keeps what the kernel has; skipping fsync only risks data on power loss.
      '--unsafe-no-fsync',
    ]);
  }

  async function etcdReady(p: HostProcess): Promise<void> {
    await eventually('etcd serving', 30_000, () => /ready to serve client requests/.test(p.output()) || (p.child.exitCode !== null ? Promise.reject(new Error(p.output())) : false), 100);
  }

  async function startApiServer(name: string): Promise<void> {
    const host = rig.host(name);
    const p = rig.wharf(name, ['apiserver', '--data-dir', `${rig.dir}/${name}`, '--host', host.ip, '--port', '6443', '--etcd', `http://${rig.host('etcd').ip}:2379`], 'apiserver');
    await p.waitFor(new RegExp(`listening on https://${host.ip.replace(/\./g, '\\.')}:6443`), 60_000);
    apiServers.set(name, p);
  }

  /** Runs the load client in the client host until `during` is done, and returns its verdict. */
  async function underLoad(prefix: string, during: () => Promise<void>): Promise<LoadResult> {
    const admin = credentialsOf(`${rig.dir}/api-1/kubeconfig`);
    const servers = ['api-1', 'api-2'].map((h) => ({ url: `https://${rig.host(h).ip}:6443`, ca: admin.ca!, cert: admin.cert!, key: admin.key! }));
    const configFile = `${rig.dir}/${prefix}.json`;
    writeFileSync(configFile, JSON.stringify({ servers, prefix }));
    const client = rig.spawn('client', nodeArgv(loadClient, [configFile]));
    await eventually('the load client ready', 60_000, () => /^ready$/m.test(client.output()) || (client.child.exitCode !== null ? Promise.reject(new Error(client.output())) : false), 100);
    await during();
    client.child.stdin!.end('stop\n');
    // The client exits after printing its verdict; a stuck one is killed rather than waited for.
    const stuck = setTimeout(() => client.child.kill('SIGKILL'), 60_000);
    await client.exited;
    clearTimeout(stuck);
    const line = /^result (.*)$/m.exec(client.output());
    assert.ok(line, `no result from the load client:\n${client.output()}`);
    return JSON.parse(line[1]) as LoadResult;
  }

  before(async () => {
    rig = await Rig.create(['etcd', 'api-1', 'api-2', 'client']);
    etcd = startEtcd();
    await etcdReady(etcd);
    await startApiServer('api-1');
    // Both servers are one cluster: the second gets the first one's CA, admin and ServiceAccount keys.
    cpSync(`${rig.dir}/api-1/pki`, `${rig.dir}/api-2/pki`, { recursive: true });
    await startApiServer('api-2');
  });

  after(async () => {
    await rig?.destroy();
  });

  test('killing one API server loses no acknowledged write, and the watcher resumed on the other misses no event', { timeout: 120_000 }, async () => {
    let killedAt = 0;
    const r = await underLoad('kill-api', async () => {
      await sleep(2000);
      killedAt = Date.now();
      await rig.kill('api-1');
      await sleep(3000);
    });
    console.log(`API server killed: ${r.acked} writes acknowledged, ${r.listed} stored, ${r.watched} watched, ${r.reconnects} watch reconnects, failures ${JSON.stringify(r.failures)}`);
    assert.ok(killedAt > 0);
    assert.ok(r.acked > 20, `only ${r.acked} writes acknowledged`);
    assert.deepEqual(r.lost, [], 'acknowledged writes lost');
    assert.deepEqual(r.missed, [], 'stored objects the watch never delivered');
    assert.deepEqual(r.duplicates, []);
    assert.equal(r.outOfOrder, 0);
    assert.equal(r.gone, 0);
    assert.ok(r.reconnects >= 1, 'the watcher was on the killed server and had to move');
    assert.ok(r.lastAckAt > killedAt, 'writes went on through the surviving server');
  });

  test('killing etcd: calls fail with 503 while it is down and resume when it is back, with no restart of Wharf', { timeout: 120_000 }, async () => {
    await startApiServer('api-1');
    let restartedAt = 0;
    const r = await underLoad('kill-etcd', async () => {
      await sleep(1500);
      await rig.kill('etcd');
      await sleep(2000);
      const down = await rig.kubectl('client', `${rig.dir}/api-2/kubeconfig`, ['get', 'configmaps']);
      assert.notEqual(down.code, 0);
      assert.match(down.stderr, /ServiceUnavailable/);
      etcd = startEtcd();
      await etcdReady(etcd);
      restartedAt = Date.now();
      await sleep(3000);
    });
    console.log(`etcd killed and restarted: ${r.acked} writes acknowledged, failures ${JSON.stringify(r.failures)}, first write acknowledged ${r.firstAckAfterFailure ? r.firstAckAfterFailure - restartedAt : 'never'} ms after etcd was back; 503 said: ${r.messages['503']}`);
    assert.ok((r.failures['503'] ?? 0) > 0, `no 503 while etcd was down: ${JSON.stringify(r.failures)}`);
    assert.match(r.messages['503'], /etcd/i);
    assert.ok(r.firstAckAfterFailure !== undefined && r.firstAckAfterFailure >= restartedAt - 1000, 'writes resumed after etcd came back');
    assert.deepEqual(r.lost, []);
    assert.deepEqual(r.missed, []);
    assert.deepEqual(r.duplicates, []);
    assert.equal(r.outOfOrder, 0);
    for (const [name, p] of apiServers) assert.ok(p.running, `${name} is still the same process`);
  });
});
