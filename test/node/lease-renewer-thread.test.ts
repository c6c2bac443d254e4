import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/api/index.js';
import { ApiClient } from '../../src/client/index.js';
import { LeaseRenewerThread, type LeaseThreadReport } from '../../src/node/lease-renewer-thread.js';
import { eventually, leases, quiet, startApi } from '../client/fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Beside this file: TypeScript from sources (under tsx), JavaScript from dist.
const apiChild = path.join(here, 'lease-api-child' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'));
const ns = { namespace: 'kube-node-lease' };

async function renewTime(client: ApiClient, name: string): Promise<number> {
  const lease = await client.get(leases, name, ns);
  return Date.parse((lease.spec as { renewTime: string }).renewTime);
}

async function getLease(client: ApiClient, name: string): Promise<KubeObject | undefined> {
  return client.get(leases, name, ns).catch(() => undefined);
}

test('LeaseRenewerThread creates and renews Leases from its thread, reports renewals back and stops renewing removed nodes', async () => {
  const api = await startApi();
  const renewer = new LeaseRenewerThread({ connection: { baseUrl: `http://127.0.0.1:${api.port}` }, renewIntervalMs: 100, leaseDurationSeconds: 5, reportIntervalMs: 50, logger: quiet });
  try {
    renewer.add('n0', 'uid-0');
    renewer.add('n1');
    renewer.start();
    // Added after the thread started: it hears of it by message.
    renewer.add('n2', 'uid-2');
    await eventually(() => ['n0', 'n1', 'n2'].every((n) => renewer.lastRenewed(n) !== undefined), 15_000, 'renewals reported');
    assert.ok(renewer.thread, 'a thread runs');
    const n0 = await api.client.get(leases, 'n0', ns);
    assert.deepEqual(n0.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n0', uid: 'uid-0' }]);
    assert.deepEqual((await api.client.get(leases, 'n1', ns)).metadata.ownerReferences, undefined);
    assert.equal((n0.spec as { holderIdentity: string }).holderIdentity, 'n0');
    assert.equal((n0.spec as { leaseDurationSeconds: number }).leaseDurationSeconds, 5);

    // Renewed again and again; the reported time is the one written.
    const first = renewer.lastRenewed('n0')!;
    await eventually(() => renewer.lastRenewed('n0')! > first + 150, 5000, 'n0 renewed again');
    await eventually(async () => (await renewTime(api.client, 'n0')) > first + 150, 5000, 'n0 renewTime advanced');
    assert.ok(renewer.stats.renewals >= 6, `renewals counted: ${renewer.stats.renewals}`);

    // A node added later with its uid gets the owner reference.
    renewer.add('n1', 'uid-1');
    await eventually(async () => (await getLease(api.client, 'n1'))?.metadata.ownerReferences?.[0]?.uid === 'uid-1', 5000, 'n1 owned');

    renewer.remove('n1');
    assert.equal(renewer.lastRenewed('n1'), undefined);
    await new Promise((r) => setTimeout(r, 300));
    const removedAt = await renewTime(api.client, 'n1');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await renewTime(api.client, 'n1'), removedAt, 'a removed node is not renewed');

    // stop() ends the thread, and with it the renewals.
    const thread = renewer.thread!;
    const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
    await renewer.stop();
    await exited;
    assert.equal(renewer.thread, undefined);
    const stoppedAt = await renewTime(api.client, 'n0');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await renewTime(api.client, 'n0'), stoppedAt, 'no renewals after stop()');
    assert.equal(renewer.stats.restarts, 0);
  } finally {
    await renewer.stop();
    await api.close();
  }
});

test('LeaseRenewerThread logs a thread that dies and starts another, which goes on renewing', async () => {
  const api = await startApi();
  const logged: string[] = [];
  const renewer = new LeaseRenewerThread({ connection: { baseUrl: `http://127.0.0.1:${api.port}` }, renewIntervalMs: 100, reportIntervalMs: 50, logger: (m) => logged.push(m) });
  try {
    renewer.add('n0', 'uid-0');
    renewer.start();
    await eventually(() => renewer.lastRenewed('n0') !== undefined, 15_000, 'first renewal');
    const dead = renewer.thread!;
    await dead.terminate();
    await eventually(() => renewer.stats.restarts === 1, 2000, 'restart counted');
    assert.ok(logged.some((m) => m.includes('renewer thread exited')), `logged: ${JSON.stringify(logged)}`);
    await eventually(() => renewer.thread !== undefined && renewer.thread !== dead, 2000, 'a new thread');
    // The new thread knows the nodes added before it started.
    const before = await renewTime(api.client, 'n0');
    await eventually(async () => (await renewTime(api.client, 'n0')) > before, 15_000, 'renewed by the new thread');
    await eventually(() => renewer.lastRenewed('n0')! > before, 5000, 'reported by the new thread');
    assert.deepEqual((await api.client.get(leases, 'n0', ns)).metadata.ownerReferences?.map((r) => r.uid), ['uid-0']);
  } finally {
    await renewer.stop();
    await api.close();
  }
});

/** An API server in a second process, so this thread's busy spell cannot stall it. */
async function apiProcess(): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, [...process.execArgv.filter((a) => !a.startsWith('--test')), apiChild], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API server did not start in time:\n${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /port (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API server exited with ${code}:\n${out}`));
    });
  });
}

test('LeaseRenewerThread renews while the parent event loop is busy', async (t) => {
  const { proc, port } = await apiProcess();
  const client = new ApiClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
  const renewer = new LeaseRenewerThread({ connection: { baseUrl: `http://127.0.0.1:${port}` }, renewIntervalMs: 200, logger: quiet });
  try {
    const names = ['n0', 'n1', 'n2'];
    for (const n of names) renewer.add(n);
    renewer.start();
    await eventually(() => names.every((n) => renewer.lastRenewed(n) !== undefined), 15_000, 'first renewals');
    const renewalsBefore = renewer.stats.renewals;
    // Every renewal the thread reports (it reports only writes the API server accepted).
    const reported: [string, number][] = [];
    renewer.thread!.on('message', (m: LeaseThreadReport) => {
      if (m.type === 'renewed') reported.push(...m.renewed);
    });

    // Starve this thread: no timers, no I/O, no messages for 1.5 s.
    const start = Date.now();
    while (Date.now() - start < 1500) {
      // busy
    }
    const end = Date.now();

    for (const n of names) {
      const at = await renewTime(client, n);
      assert.ok(at > start + 700, `${n}: renewTime ${at - start} ms after the spell began`);
    }
    await eventually(() => names.every((n) => reported.some(([name, at]) => name === n && at > end)), 3000, 'renewals after the spell reported');
    for (const n of names) {
      const during = reported.filter(([name, at]) => name === n && at >= start && at < end).map(([, at]) => at - start);
      // Every 200 ms: about 7 in 1.5 s; a starved thread would have made none.
      assert.ok(during.length >= 4, `${n}: renewals written ${JSON.stringify(during)} ms into the spell`);
      const gaps = during.map((at, i) => at - (i === 0 ? 0 : during[i - 1]));
      t.diagnostic(`${n}: ${during.length} renewals during the 1500 ms spell, longest wait ${Math.max(...gaps, 1500 - during[during.length - 1])} ms`);
    }
    assert.ok(renewer.stats.renewals - renewalsBefore >= names.length * 4);
  } finally {
    await renewer.stop();
    client.close();
    proc.kill();
  }
});
