/**
 * The scheduler end to end through the API server: each workload of issue 4 on a fresh `wharf up
 * --insecure-http --api-server-only` (its own process, SQLite store, bindings persisted). Nodes are created directly as Node
 * objects (no node agents); the scheduler runs in this process as an API client (informers, POST
 * pods/<name>/binding); warm-up pods are created and bound first, then the measured pods are created
 * through the API by concurrent clients while the scheduler runs. Reported per workload: pods/s (average
 * over the measured phase, and the p50 of per-second samples) and the p50/p99 scheduling latency, from the
 * pod's arrival at the scheduler's informer to the informer seeing it bound.
 *
 *   npm run build && node --import tsx bench/scheduler/api.ts [--workload NAME] [--scale 1] [--creators 32] [--markdown]
 *
 * `--mode drain` creates the measured pods while no scheduler runs, then starts one and times it from its
 * start (informer sync included) until all are bound: the scheduling and binding path without the
 * creation rate in the way; latency then includes the wait in the queue.
 * `--server in-process` runs an ApiServer over SqliteStore in this process instead (one core for all).
 * Progress goes to stderr, the results table to stdout. Every process started here is stopped by its pid.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/index.js';
import { ApiServer } from '../../src/apiserver/server.js';
import { ApiClient, SharedInformerFactory, type Informer, type ResourceDescriptor } from '../../src/client/index.js';
import { startScheduler, type SchedulerHandle } from '../../src/scheduler/api/index.js';
import { SqliteStore } from '../../src/storage/index.js';
import { ChildProcesses } from '../lib/child-processes.js';
import { cpuTimeMs } from '../lib/proc-status.js';
import { printedPort } from '../lib/wharf-server.js';
import { wharfCommand } from '../lib/wharf-command.js';
import { Progress } from '../lib/progress.js';
import { renderMarkdownTable, renderTable } from '../lib/report-table.js';
import { runPool } from '../lib/run-pool.js';
import { median, summarize } from '../lib/stats.js';
import { workloads, type Workload } from './workloads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: opts } = parseArgs({
  options: {
    workload: { type: 'string' },
    scale: { type: 'string', default: '1' },
    creators: { type: 'string', default: '32' },
    server: { type: 'string', default: 'process' },
    mode: { type: 'string', default: 'stream' },
    'skip-build': { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const pods: ResourceDescriptor = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };
const nodes: ResourceDescriptor = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
const namespaces: ResourceDescriptor = { group: '', version: 'v1', plural: 'namespaces', namespaced: false, kind: 'Namespace' };

interface Result {
  name: string;
  nodes: number;
  measured: number;
  scheduled: number;
  podsPerSec: number;
  p50PerSecond: number;
  latencyP50: number;
  latencyP99: number;
  createsPerSec: number;
  setupS: number;
  serverCpuPct?: number;
  benchCpuPct: number;
  droppedEvents: number;
}

interface Cluster {
  baseUrl: string;
  serverPid?: number;
  stop(): Promise<void>;
}

async function startCluster(procs: ChildProcesses, dataDir: string): Promise<Cluster> {
  if (opts.server === 'in-process') {
    const store = new SqliteStore(path.join(dataDir, 'state.db'));
    const server = new ApiServer({ store });
    const port = await server.listen(0, '127.0.0.1');
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      stop: async () => {
        await server.close();
        await store.close();
      },
    };
  }
  return startApiServerOnly(procs, dataDir);
}

/**
 * `wharf up --insecure-http --api-server-only`: the API server and its SQLite store alone, so the only
 * scheduler is the one measured here (plain `wharf up` runs its own scheduler and a simulated node).
 */
async function startApiServerOnly(procs: ChildProcesses, dataDir: string): Promise<Cluster> {
  const args = [...wharfCommand(root), 'up', '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--insecure-http', '--api-server-only'];
  const child = procs.spawn(process.execPath, args, { cwd: root });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8000)));
  const port = await Promise.race([
    printedPort(child),
    new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`wharf up exited (code ${code}): ${stderr.trim()}`)))),
  ]);
  child.stdout!.resume();
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ; ) {
    const ok = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`wharf did not become ready: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    baseUrl,
    serverPid: child.pid,
    stop: async () => {
      const { code } = await procs.stop(child.pid!);
      if (code !== 0) throw new Error(`wharf did not exit cleanly (code ${code}): ${stderr.trim()}`);
    },
  };
}

/** Creates `count` objects from `creators` concurrent clients; throws on the first error. */
async function createAll(client: ApiClient, r: ResourceDescriptor, count: number, make: (i: number) => KubeObject, onDone?: (n: number) => void): Promise<number> {
  const res = await runPool(0, count, Number(opts.creators), async (i) => {
    await client.create(r, make(i));
    return undefined;
  }, onDone);
  if (res.errors.length) throw new Error(`${res.errors.length} creates failed, first: ${res.errors[0]!.message}`);
  return (count * 1000) / res.elapsedMs;
}

function strip(o: { metadata?: { uid?: string } }): KubeObject {
  // The workload objects carry fixed UIDs for the in-memory benchmark; the API server assigns its own.
  const copy = structuredClone(o) as KubeObject;
  delete copy.metadata.uid;
  return copy;
}

/**
 * Watches one namespace's pods through the benchmark's own informer, as scheduler_perf does: when each
 * pod was first seen pending and when it was seen bound.
 */
class BindTracker {
  readonly arrived = new Map<string, number>();
  readonly latencies: number[] = [];
  bound = 0;
  /** Pods seen pending before this time count from it (drain mode: from the scheduler's start). */
  notBefore = 0;
  private waiters: { n: number; resolve(): void }[] = [];

  constructor(informer: Informer<KubeObject>, private readonly namespace: string) {
    informer.addEventHandler({
      onAdd: (p) => this.seen(p),
      onUpdate: (_old, p) => this.seen(p),
    });
  }

  private seen(p: KubeObject): void {
    if (p.metadata.namespace !== this.namespace) return;
    const key = p.metadata.name!;
    const nodeName = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    const now = performance.now();
    if (!nodeName) {
      if (!this.arrived.has(key)) this.arrived.set(key, now);
      return;
    }
    const t = this.arrived.get(key);
    if (t === undefined || t < 0) return;
    this.latencies.push(now - Math.max(t, this.notBefore));
    this.arrived.set(key, -1);
    this.bound++;
    this.waiters = this.waiters.filter((w) => (this.bound >= w.n ? (w.resolve(), false) : true));
  }

  until(n: number): Promise<void> {
    if (this.bound >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

async function run(w: Workload, procs: ChildProcesses, progress: Progress): Promise<Result> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wharf-sched-bench-'));
  const cluster = await startCluster(procs, dataDir);
  const client = new ApiClient({ baseUrl: cluster.baseUrl, component: 'bench' });
  const schedClient = new ApiClient({ baseUrl: cluster.baseUrl, component: 'scheduler' });
  let handle: SchedulerHandle | undefined;
  const observer = new SharedInformerFactory(client, { logger: () => undefined });
  const abort = new AbortController();
  try {
    const t0 = performance.now();
    for (const name of ['sched-0', 'sched-1']) await client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    progress.start(`${w.name} nodes`, w.nodes);
    await createAll(client, nodes, w.nodes, (i) => strip(w.node(i)), (n) => n % 100 === 0 && progress.update(n));
    progress.update(w.nodes);

    const warm = new BindTracker(observer.informerFor(pods, { namespace: 'sched-0' }), 'sched-0');
    const measured = new BindTracker(observer.informerFor(pods, { namespace: 'sched-1' }), 'sched-1');
    observer.start(abort.signal);
    await observer.waitForSync(abort.signal);
    const logger = (m: string, e?: unknown) => progress.note(`scheduler: ${m}${e ? `: ${String(e)}` : ''}`);
    handle = await startScheduler({ client: schedClient, logger });

    progress.start(`${w.name} warm-up`, w.warmupPods);
    const warmTicker = setInterval(() => progress.update(warm.bound), 200);
    await createAll(client, pods, w.warmupPods, (i) => strip(w.warmupPod(i)));
    await warm.until(w.warmupPods);
    clearInterval(warmTicker);
    progress.update(warm.bound);
    const setupS = (performance.now() - t0) / 1000;

    let createsPerSec = 0;
    if (opts.mode === 'drain') {
      await handle.stop();
      handle = undefined;
      progress.start(`${w.name} create (no scheduler)`, w.measuredPods);
      createsPerSec = await createAll(client, pods, w.measuredPods, (i) => strip(w.measuredPod(i)), (n) => n % 100 === 0 && progress.update(n));
    }
    progress.start(`${w.name} measured`, w.measuredPods);
    const perSecond: number[] = [];
    let last = 0;
    const cpu0 = process.cpuUsage();
    const server0 = cluster.serverPid ? cpuTimeMs(cluster.serverPid) : undefined;
    const start = performance.now();
    let lastTick = start;
    const ticker = setInterval(() => {
      const now = performance.now();
      perSecond.push(((measured.bound - last) * 1000) / (now - lastTick));
      last = measured.bound;
      lastTick = now;
      progress.update(measured.bound);
    }, 1000);
    if (opts.mode === 'drain') {
      measured.notBefore = start;
      handle = await startScheduler({ client: schedClient, logger });
    } else {
      createsPerSec = await createAll(client, pods, w.measuredPods, (i) => strip(w.measuredPod(i)));
    }
    await measured.until(w.measuredPods);
    const elapsed = performance.now() - start;
    clearInterval(ticker);
    // The last, partial second counts as a sample only when it holds a fair share of one.
    if (performance.now() - lastTick > 500) perSecond.push(((measured.bound - last) * 1000) / (performance.now() - lastTick));
    progress.update(measured.bound);
    progress.stop();
    const cpu = process.cpuUsage(cpu0);
    const server1 = cluster.serverPid ? cpuTimeMs(cluster.serverPid) : undefined;
    const lat = summarize(measured.latencies);
    return {
      name: w.name,
      nodes: w.nodes,
      measured: w.measuredPods,
      scheduled: measured.bound,
      podsPerSec: (measured.bound * 1000) / elapsed,
      p50PerSecond: perSecond.length ? median(perSecond) : (measured.bound * 1000) / elapsed,
      latencyP50: lat.p50,
      latencyP99: lat.p99,
      createsPerSec,
      setupS,
      serverCpuPct: server0 !== undefined && server1 !== undefined ? ((server1 - server0) * 100) / elapsed : undefined,
      benchCpuPct: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
      droppedEvents: handle!.droppedEvents(),
    };
  } finally {
    abort.abort();
    await observer.stop();
    await handle?.stop();
    client.close();
    schedClient.close();
    await cluster.stop();
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
    else progress.note(`kept ${dataDir}`);
  }
}

async function main(): Promise<void> {
  const progress = new Progress();
  if (!opts['skip-build'] && opts.server !== 'in-process') {
    progress.note('building Wharf (npm run build) ...');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('the build failed');
  }
  const list = workloads(Number(opts.scale)).filter((w) => !opts.workload || w.name === opts.workload);
  if (list.length === 0) throw new Error(`no workload named ${opts.workload}`);
  const procs = new ChildProcesses();
  const results: Result[] = [];
  for (const w of list) results.push(await run(w, procs, progress));
  progress.stop();
  if (opts.json) {
    console.log(JSON.stringify({ machine: { cpus: os.cpus().length, node: process.version }, server: opts.server, mode: opts.mode, creators: Number(opts.creators), results }, null, 2));
    return;
  }
  const rows = [
    ['workload', 'nodes', 'measured pods', 'scheduled', 'pods/s', 'p50 of 1s samples', 'latency p50 ms', 'latency p99 ms', 'creates/s', 'server CPU %', 'bench CPU %', 'events dropped', 'setup s'],
    ...results.map((r) => [
      r.name,
      String(r.nodes),
      String(r.measured),
      String(r.scheduled),
      r.podsPerSec.toFixed(0),
      r.p50PerSecond.toFixed(0),
      r.latencyP50.toFixed(1),
      r.latencyP99.toFixed(1),
      r.createsPerSec.toFixed(0),
      r.serverCpuPct === undefined ? '-' : r.serverCpuPct.toFixed(0),
      r.benchCpuPct.toFixed(0),
      String(r.droppedEvents),
      r.setupS.toFixed(1),
    ]),
  ];
  console.log(opts.markdown ? renderMarkdownTable(rows) : renderTable(rows));
}

await main();
