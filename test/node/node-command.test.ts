import type { KubeObject } from '../../src/api/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { leases, nodes, eventually, startApi } from '../client/fixtures.js';
import { writeKubeconfig } from '../controllers/node-lifecycle/fixtures.js';
import { createBound, getPod, phaseOf, simPod } from './fixtures.js';
import { machinePressure } from '../../src/node/node-command.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'node-command-child' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));

/** Starts the child and resolves once it printed `registered`. */
function join(args: string[]): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(process.execPath, [...process.execArgv.filter((a) => !a.startsWith('--test')), child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the node did not register in time:\n${out}`)), 20_000);
    proc.stdout!.on('data', () => {
      if (out.includes('registered')) {
        clearTimeout(timer);
        resolve({ proc, output: () => out });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the node process exited with ${code}:\n${out}`));
    });
  });
}

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code))));
}

test('runNodeCommand() joins a node from a second process that runs pods and stops on SIGTERM', async () => {
  const api = await startApi();
  const cluster = writeKubeconfig(api.port);
  let proc: ChildProcess | undefined;
  try {
    const joined = await join([cluster.kubeconfig, 'edge-1']);
    proc = joined.proc;
    const node = await api.client.get(nodes, 'edge-1');
    assert.equal(node.metadata.labels?.joined, 'true');
    assert.equal(node.metadata.labels?.['topology.kubernetes.io/zone'], 'edge');
    const cidr = (node.spec as { podCIDR: string }).podCIDR;
    assert.match(cidr, /^10\.(1[2-9]\d|2[0-5]\d)\.\d+\.0\/24$/);
    // The node registers before its first Lease is written: wait for the Lease, then for a renewal.
    let first: KubeObject | undefined;
    await eventually(async () => {
      first = await api.client.get(leases, 'edge-1', { namespace: 'kube-node-lease' }).catch(() => undefined);
      return first !== undefined;
    }, 3000, 'Lease written');
    await eventually(async () => (await api.client.get(leases, 'edge-1', { namespace: 'kube-node-lease' })).metadata.resourceVersion !== first!.metadata.resourceVersion, 3000, 'Lease renewed');

    await createBound(api.client, simPod('remote'), 'edge-1');
    await eventually(async () => phaseOf(await getPod(api.client, 'remote')) === 'Running', 5000, 'Running');
    const podIP = (await getPod(api.client, 'remote')).status as { podIP: string };
    assert.equal(podIP.podIP.split('.').slice(0, 3).join('.'), cidr.split('.').slice(0, 3).join('.'));

    proc.kill('SIGTERM');
    assert.equal(await exited(proc), 0);
    assert.match(joined.output(), /stopped/);
  } finally {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await api.close();
    cluster.cleanup();
  }
});

test('runNodeCommand() with simulated: N joins a fleet named <name>-0..<name>-(N-1)', async () => {
  const api = await startApi();
  const cluster = writeKubeconfig(api.port);
  let proc: ChildProcess | undefined;
  try {
    const joined = await join([cluster.kubeconfig, 'rack', '3']);
    proc = joined.proc;
    const names = (await api.client.list(nodes)).items.map((n) => n.metadata.name).sort();
    assert.deepEqual(names, ['rack-0', 'rack-1', 'rack-2']);
    await createBound(api.client, simPod('on-rack'), 'rack-2');
    await eventually(async () => phaseOf(await getPod(api.client, 'on-rack')) === 'Running', 5000, 'Running');
    proc.kill('SIGTERM');
    assert.equal(await exited(proc), 0);
  } finally {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await api.close();
    cluster.cleanup();
  }
});

test('machinePressure() follows kubelet\'s default hard eviction thresholds', () => {
  const gib = 1024 ** 3;
  const roomy = { availableBytes: 50 * gib, capacityBytes: 100 * gib };
  assert.deepEqual(machinePressure(2 * gib, roomy, roomy), { memory: false, disk: false });
  assert.deepEqual(machinePressure(99 * 1024 * 1024, roomy, roomy), { memory: true, disk: false });
  assert.deepEqual(machinePressure(2 * gib, { availableBytes: 9 * gib, capacityBytes: 100 * gib }, roomy), { memory: false, disk: true }, 'nodefs under 10 %');
  assert.deepEqual(machinePressure(2 * gib, roomy, { availableBytes: 14 * gib, capacityBytes: 100 * gib }), { memory: false, disk: true }, 'imagefs under 15 %');
  assert.deepEqual(machinePressure(2 * gib, { availableBytes: 11 * gib, capacityBytes: 100 * gib }, { availableBytes: 16 * gib, capacityBytes: 100 * gib }), { memory: false, disk: false });
});
