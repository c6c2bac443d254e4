/**
 * The container runtime: pod startup latency and the node agent's memory per running pod, on one real node.
 *
 * `wharf up --nodes 0` (API server, scheduler, controllers; no node) runs as one process and
 * `wharf node --runtime container` as another, so the node agent's memory is its own. A busybox image built
 * with umoci is imported into the node's image store first (`imagePullPolicy: Never`): the image is
 * present, as the measure asks. One warm-up pod runs and is deleted; then `--pods` pods (`busybox sleep`)
 * are created, one every 1/`--rate` s (`--rate 0`: all at once), through the scheduler. A watch on the pods
 * records when each is first seen Running with Ready=True; latency is from sending its create to that
 * event. Once all run, the node process' RSS is compared with its RSS after the warm-up: the delta over the
 * pods is the agent's memory per running pod (the containers' own processes are not counted).
 *
 * Run from the repository root as root, with runc, iproute2, umoci, skopeo and busybox-static installed:
 * `node --import tsx bench/runtime/run.ts [--pods 100] [--rate 5] [--timeout 300]`. Both processes run the
 * TypeScript sources under tsx (no build needed). Every process is stopped by pid, and the pods, their
 * network namespaces, the bridge and the temp dirs are removed at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { ResourceRegistry, type KubeObject } from '../../src/api/index.js';
import { ApiClient, resourceFor } from '../../src/client/index.js';
import { readdir, readFile } from 'node:fs/promises';
import { checkHostSupport, removeBridge, SandboxManager } from '../../src/node/runtimes/container/index.js';
import { runCommand } from '../../src/node/runtimes/container/command.js';
import { Runc } from '../../src/node/runtimes/container/runc.js';
import { ImageService } from '../../src/node/runtimes/container/image/index.js';
import { buildBusyboxImage, exportArchive, registrySkipReason } from '../../test/support/registry.js';
import { ChildProcesses } from '../lib/child-processes.js';
import { cpuTimeMs, memoryStatus } from '../lib/proc-status.js';
import { Progress } from '../lib/progress.js';
import { renderTable } from '../lib/report-table.js';
import { summarize } from '../lib/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values: opts } = parseArgs({
  options: {
    pods: { type: 'string', default: '100' },
    /** Pods created per second; 0 creates them all at once. */
    rate: { type: 'string', default: '5' },
    /** Seconds a phase may take before the benchmark gives up. */
    timeout: { type: 'string', default: '300' },
  },
});
const podCount = Number(opts.pods);
const rate = Number(opts.rate);
const timeoutMs = Number(opts.timeout) * 1000;
const namespace = 'default';
const image = 'bench.wharf.local/busybox:1.0';
const nodeName = 'bench-real-node';
const tag = Math.random().toString(16).slice(2, 8);
const bridge = `whb${tag}`;
const podCidr = `10.251.${10 + Math.floor(Math.random() * 200)}.0/24`;

const registry = new ResourceRegistry();
const podsResource = resourceFor(registry, '', 'v1', 'pods');
const nodesResource = resourceFor(registry, '', 'v1', 'nodes');

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = timeoutMs): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Resolves with the first stdout line matching `re` (or rejects when the process exits first). */
function waitForLine(child: ChildProcess, re: RegExp, what: string): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time:\n${out}`)), 120_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${out}`));
    });
  });
}

function podManifest(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { bench: 'runtime' } },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image, imagePullPolicy: 'Never', command: ['busybox', 'sleep', '3600'] }],
    },
  };
}

function runningAndReady(pod: KubeObject): boolean {
  const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
  return status.phase === 'Running' && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

async function main(): Promise<void> {
  const support = await checkHostSupport();
  if (!support.ok) throw new Error(`this machine cannot run containers: ${support.reason}`);
  const missing = registrySkipReason();
  if (missing) throw new Error(`building the image needs umoci, skopeo and busybox-static: ${missing}`);
  if (!Number.isInteger(podCount) || podCount < 1) throw new Error('--pods must be a whole number >= 1');

  const procs = new ChildProcesses();
  const work = mkdtempSync(path.join(os.tmpdir(), 'wharf-runtime-bench-'));
  const clusterDir = path.join(work, 'cluster');
  const nodeDir = path.join(work, 'node');
  const progress = new Progress();
  let client: ApiClient | undefined;
  let nodePid: number | undefined;
  const onSignal = (): void => void procs.stopAll().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    progress.note(`image: building busybox with umoci and importing it into the node's store as ${image}`);
    const layout = await buildBusyboxImage({ cmd: ['sh'] });
    const archive = path.join(work, 'busybox.tar');
    await exportArchive(layout, 'latest', archive, 'oci-archive');
    await layout.cleanup();
    await new ImageService({ root: path.join(nodeDir, 'images') }).importArchive(archive, { name: image });

    progress.note('cluster: wharf up --nodes 0');
    const main = path.join(root, 'src', 'cli', 'main.ts');
    const up = procs.spawn(process.execPath, ['--import', 'tsx', main, 'up', '--data-dir', clusterDir, '--port', '0', '--nodes', '0'], { cwd: root });
    await waitForLine(up, /listening on https:\/\/127\.0\.0\.1:(\d+)/, 'wharf up');
    const kubeconfig = path.join(clusterDir, 'kubeconfig');
    client = ApiClient.fromKubeconfig(kubeconfig, { component: 'bench' });

    progress.note(`node: wharf node --runtime container (bridge ${bridge}, pod CIDR ${podCidr})`);
    const node = procs.spawn(
      process.execPath,
      ['--import', 'tsx', main, 'node', '--kubeconfig', kubeconfig, '--name', nodeName, '--runtime', 'container', '--data-dir', nodeDir, '--bridge', bridge, '--pod-cidr', podCidr],
      { cwd: root },
    );
    nodePid = node.pid!;
    node.stdout!.resume();
    node.stderr!.resume();
    await waitForLine(node, /registered/, 'wharf node');
    await until('the node to be Ready', async () => {
      const n = await client!.get(nodesResource, nodeName);
      return ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    });

    // Warm-up: the first pod makes the bridge and loads every code path the others use.
    progress.note('warm-up: one pod, started and deleted');
    await client.create(podsResource, podManifest('warmup'), { namespace });
    await until('the warm-up pod to be Ready', async () => runningAndReady(await client!.get(podsResource, 'warmup', { namespace })));
    await client.delete(podsResource, 'warmup', { namespace, gracePeriodSeconds: 1 });
    await until('the warm-up pod to go', async () => (await client!.get(podsResource, 'warmup', { namespace }).then(() => false, () => true)));
    await sleep(3000);
    const before = memoryStatus(nodePid);
    const cpuBefore = cpuTimeMs(nodePid);

    const sentAt = new Float64Array(podCount);
    const readyAt = new Float64Array(podCount);
    const boundAt = new Float64Array(podCount);
    const acceptedAt = new Float64Array(podCount);
    let ready = 0;
    let allReady!: () => void;
    const done = new Promise<void>((r) => (allReady = r));
    const list = await client.list(podsResource, { namespace });
    const watch = await client.watch(podsResource, { namespace, labelSelector: 'bench=runtime', resourceVersion: list.metadata?.resourceVersion });
    void (async () => {
      for await (const ev of watch) {
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
        const pod = ev.object as KubeObject;
        const i = Number(pod.metadata.name?.slice('pod-'.length));
        if (!Number.isInteger(i) || i < 0 || i >= podCount || readyAt[i] !== 0) continue;
        const now = performance.now();
        if (boundAt[i] === 0 && (pod.spec as { nodeName?: string } | undefined)?.nodeName) boundAt[i] = now;
        // The node's first status write (Pending, ContainerCreating): the agent has the pod.
        if (acceptedAt[i] === 0 && (pod.status as { hostIP?: string } | undefined)?.hostIP) acceptedAt[i] = now;
        if (!runningAndReady(pod)) continue;
        readyAt[i] = performance.now();
        ready++;
        progress.update(ready);
        if (ready === podCount) allReady();
      }
    })();

    progress.start(`${podCount} pods Running and Ready`, podCount);
    const started = performance.now();
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < podCount; i++) {
      if (rate > 0) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      sentAt[i] = performance.now();
      creates.push(client.create(podsResource, podManifest(`pod-${i}`), { namespace }));
    }
    await Promise.all(creates);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${ready} of ${podCount} pods became Ready in time`)), timeoutMs)));
    await Promise.race([done, timedOut]).finally(() => clearTimeout(timer));
    const total = performance.now() - started;
    progress.stop();
    watch.stop();
    await sleep(3000);
    const after = memoryStatus(nodePid);
    const cpuAfter = cpuTimeMs(nodePid);

    const latencies = Array.from(readyAt, (t, i) => t - sentAt[i]!);
    const s = summarize(latencies);
    // Where the time goes: scheduling (create to bound), the agent taking the pod (bound to its first
    // status), and the runtime (sandbox, rootfs, runc) until the Running and Ready status is seen.
    const phase = (from: Float64Array, to: Float64Array): string => {
      const p = summarize(Array.from(to, (t, i) => (t && from[i] ? t - from[i]! : 0)));
      return `${p.p50.toFixed(0)} / ${p.p99.toFixed(0)} ms`;
    };
    const mib = (b: number): string => (b / 1024 / 1024).toFixed(1);
    console.log(
      renderTable([
        ['measure', 'value'],
        ['pods', String(podCount)],
        ['creation', rate > 0 ? `${rate} pods/s` : 'all at once'],
        ['startup p50 (create -> Running and Ready)', `${s.p50.toFixed(0)} ms`],
        ['startup p99', `${s.p99.toFixed(0)} ms`],
        ['startup max', `${s.max.toFixed(0)} ms`],
        ['  create -> bound (p50 / p99)', phase(sentAt, boundAt)],
        ['  bound -> first node status', phase(boundAt, acceptedAt)],
        ['  first node status -> Running and Ready', phase(acceptedAt, readyAt)],
        ['first create to last Ready', `${(total / 1000).toFixed(1)} s`],
        ['node agent RSS after warm-up', `${mib(before.rss)} MiB`],
        [`node agent RSS with ${podCount} pods running`, `${mib(after.rss)} MiB`],
        ['node agent RSS per running pod', `${((after.rss - before.rss) / podCount / 1024).toFixed(0)} KiB`],
        ['node agent CPU per pod started', `${((cpuAfter - cpuBefore) / podCount).toFixed(0)} ms`],
      ]),
    );
    console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, runc ${support.runcVersion}`);

    progress.note('cleanup: deleting the pods');
    const names = Array.from({ length: podCount }, (_, i) => `pod-${i}`);
    await Promise.all(names.map((n) => client!.delete(podsResource, n, { namespace, gracePeriodSeconds: 1 }).catch(() => undefined)));
    await until('the pods to go', async () => (await client!.list(podsResource, { namespace, labelSelector: 'bench=runtime' })).items.length === 0).catch((e: Error) =>
      progress.note(e.message),
    );
    // The node tears sandboxes down after the pods are gone from the API: give it a moment.
    await sleep(5000);
  } finally {
    progress.stop();
    client?.close();
    await procs.stopAll();
    // Whatever the node left behind (an interrupted run): containers, network namespaces, the bridge.
    const runc = new Runc({ root: path.join(nodeDir, 'runc') });
    for (const c of await runc.list().catch(() => [])) await runc.delete(c.id).catch(() => undefined);
    for (const uid of await readdir(path.join(nodeDir, 'pods')).catch(() => [] as string[])) {
      await runCommand('ip', ['netns', 'del', SandboxManager.names(uid).netns]).catch(() => undefined);
    }
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8').catch(() => '')).split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(nodeDir + '/'));
    for (const m of mounts.sort((a, b) => b.length - a.length)) await runCommand('umount', ['-l', m]).catch(() => undefined);
    await removeBridge(bridge).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
