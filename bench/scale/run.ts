/**
 * The scale benchmark of issue 5: `wharf up --insecure-http --nodes N --zones Z` (API server, scheduler,
 * controllers and N simulated nodes in one process, SQLite store) while this process creates bare pods
 * through the API, namespace by namespace, from `--concurrency` clients (closed loop). Bare pods measure
 * the create -> schedule -> bind -> simulated node -> Running path without the Deployment and ReplicaSet
 * controllers in the way. Measured from the client side:
 *
 * - the time from spawn until every Node reports Ready=True (node watch), and afterwards every Ready
 *   transition away from True and every Lease whose renewTime + leaseDurationSeconds lies in the past
 *   (the kube-node-lease leases are listed every --list-interval seconds);
 * - API latency p50/p99 per verb and resource: the creates, single-object GETs of pods and nodes sampled
 *   a few times a second, and cluster-wide LISTs of pods and nodes (and the lease list) every interval;
 * - pod startup latency: from sending the create to a pod watch reporting phase Running;
 * - pods Running at the end, creates/s, time to all Running, server RSS (VmRSS, peak of 1 s samples and
 *   VmHWM) and CPU (utime+stime), and the SQLite file size (state.db plus its WAL).
 *
 *   node --import tsx bench/scale/run.ts [--nodes 5000] [--pods 150000] [--namespaces 1500] [--zones 3]
 *       [--concurrency 32] [--rate PODS_PER_S] [--list-interval 10] [--timeout 1800] [--skip-build] [--json FILE] [--keep] [--trace-gc FILE] [--server-cpu-prof DIR]
 *
 * The server listens on a port chosen here (free a moment before) rather than `--port 0`, because `wharf
 * up` prints its address only once its nodes have started, and the nodes must be watched from the start.
 * Progress goes to stderr; the report to stdout. The server is stopped by its pid at the end, on errors
 * and on Ctrl-C. All traffic goes to 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { ChildProcesses } from '../lib/child-processes.js';
import { printCpuProfiles } from '../lib/cpu-profile-report.js';
import { freePort } from '../lib/free-port.js';
import { summarizeGcTrace, type IsolateGc } from '../lib/gc-trace.js';
import { httpGetBytes, httpRequest, keepAliveAgent, send, type Via } from '../lib/http-client.js';
import { printLongTasks } from '../lib/long-tasks.js';
import { cpuTimeMs, memoryStatus } from '../lib/proc-status.js';
import { renderTable } from '../lib/report-table.js';
import { runPool } from '../lib/run-pool.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import { streamLines } from '../lib/watch-stream.js';
import { wharfCommand } from '../lib/wharf-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1024 * 1024;

const { values: opts } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '150000' },
    namespaces: { type: 'string', default: '1500' },
    zones: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    'list-interval': { type: 'string', default: '10' },
    'get-rate': { type: 'string', default: '5' },
    /** Pods created per second, paced; 0 creates as fast as the clients go (closed loop). */
    rate: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '1800' },
    'skip-build': { type: 'boolean', default: false },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** Run the server under `node --trace-gc`, keep what it prints in this file and sum the pauses per thread. */
    'trace-gc': { type: 'string' },
    /** Run the server under `node --cpu-prof` into this directory; print where each thread's time went and what held its event loop. */
    'server-cpu-prof': { type: 'string' },
  },
});

function positive(name: keyof typeof opts): number {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
  return n;
}

const nodeCount = positive('nodes');
const podCount = positive('pods');
const namespaceCount = Math.min(positive('namespaces'), podCount);
const zoneCount = positive('zones');
const concurrency = positive('concurrency');
const listIntervalMs = positive('list-interval') * 1000;
const getsPerSecond = positive('get-rate');
const createRate = Number(opts.rate);
if (!Number.isFinite(createRate) || createRate < 0) {
  console.error('--rate must be a number of pods per second, 0 for unpaced');
  process.exit(2);
}
const timeoutMs = positive('timeout') * 1000;

/**
 * A small bare pod as density tests use (a pause-like container): its requests let 80 fit a default
 * 4-CPU node by CPU, so the 110-pod limit and not the requests bounds how many a node takes.
 */
function podBody(i: number, namespace: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace, labels: { app: 'scale', group: namespace } },
    spec: {
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '50m', memory: '64Mi' } } }],
    },
  });
}

const namespaceOf = (i: number) => `scale-${Math.floor((i * namespaceCount) / podCount)}`;

/** Latency samples per "VERB resource" (client side, milliseconds). */
class ApiLatencies {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  add(key: string, ms: number): void {
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push(ms);
  }
  fail(key: string): void {
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

interface NodeTracker {
  ready: Set<string>;
  /** Milliseconds from spawn until `ready` held every node. */
  allReadyMs?: number;
  /** Ready transitions away from True after the node had been Ready: node name, status, ms from spawn. */
  notReady: { name: string; status: string; atMs: number }[];
  events: number;
  failure?: string;
  close(): void;
}

interface PodTracker {
  /** performance.now() at which the watch first saw pod i Running; 0 while not yet. */
  runningAt: Float64Array;
  /** performance.now() at which the watch first saw pod i with a nodeName (bound by the scheduler); 0 while not yet. */
  boundAt: Float64Array;
  running: number;
  events: number;
  failure?: string;
  close(): void;
}

interface NodeObject {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

function readyStatus(n: NodeObject): string {
  return n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Missing';
}

/** Lists then watches all nodes, tracking which are Ready and every Ready -> not Ready transition. */
async function trackNodes(baseUrl: string, via: Via, spawnedAt: number, onReadyCount: (n: number) => void): Promise<NodeTracker> {
  const t: NodeTracker = { ready: new Set(), notReady: [], events: 0, close: () => undefined };
  const seenReady = new Set<string>();
  const observe = (n: NodeObject, deleted: boolean) => {
    const name = n.metadata.name;
    const status = deleted ? 'Deleted' : readyStatus(n);
    if (status === 'True') {
      t.ready.add(name);
      seenReady.add(name);
      if (t.allReadyMs === undefined && t.ready.size >= nodeCount) t.allReadyMs = performance.now() - spawnedAt;
    } else {
      t.ready.delete(name);
      if (seenReady.has(name)) t.notReady.push({ name, status, atMs: performance.now() - spawnedAt });
    }
    onReadyCount(t.ready.size);
  };
  const list = await httpRequest(via, 'GET', `${baseUrl}/api/v1/nodes`);
  if (list.status !== 200) throw new Error(`LIST nodes answered ${list.status}`);
  const parsed = JSON.parse(list.body) as { metadata: { resourceVersion: string }; items: NodeObject[] };
  for (const n of parsed.items) observe(n, false);
  const w = streamLines(
    `${baseUrl}/api/v1/nodes?watch=true&resourceVersion=${parsed.metadata.resourceVersion}`,
    via,
    (line) => {
      t.events++;
      const e = JSON.parse(line) as { type: string; object: NodeObject };
      if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') observe(e.object, e.type === 'DELETED');
      else if (e.type === 'ERROR') t.failure ??= line.slice(0, 300);
    },
    (m) => (t.failure ??= m),
  );
  await w.opened;
  t.close = w.close;
  return t;
}

/**
 * Watches all pods from `resourceVersion`, picking only the name and whether the phase is Running out of
 * each event line: parsing every event fully would load this process, which shares the two cores with
 * the server, and inflate the measured startup latency.
 */
async function trackPods(baseUrl: string, via: Via, resourceVersion: string): Promise<PodTracker> {
  const t: PodTracker = { runningAt: new Float64Array(podCount), boundAt: new Float64Array(podCount), running: 0, events: 0, close: () => undefined };
  const needle = '"name":"pod-';
  const w = streamLines(
    `${baseUrl}/api/v1/pods?watch=true&resourceVersion=${resourceVersion}`,
    via,
    (line, now) => {
      t.events++;
      if (line.startsWith('{"type":"ERROR"')) {
        t.failure ??= line.slice(0, 300);
        return;
      }
      const at = line.indexOf(needle);
      if (at < 0) return;
      const start = at + needle.length;
      const i = Number(line.slice(start, line.indexOf('"', start)));
      if (!Number.isInteger(i) || i < 0 || i >= podCount || t.runningAt[i]! > 0) return;
      if (t.boundAt[i] === 0 && line.includes('"nodeName":"')) t.boundAt[i] = now;
      if (!line.includes('"phase":"Running"')) return;
      t.runningAt[i] = now;
      t.running++;
    },
    (m) => (t.failure ??= m),
  );
  await w.opened;
  t.close = w.close;
  return t;
}

interface LeaseCheck {
  checks: number;
  /** Leases found expired (renewTime + leaseDurationSeconds before the time of the list), summed over checks. */
  lapsed: number;
  lapsedNames: Set<string>;
  /** Largest renewTime age seen at a check, seconds. */
  maxAgeS: number;
  missing: number;
}

async function checkLeases(baseUrl: string, via: Via, lat: ApiLatencies, lc: LeaseCheck): Promise<void> {
  const r = await httpRequest(via, 'GET', `${baseUrl}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases`);
  if (r.status !== 200) return lat.fail('LIST leases (kube-node-lease)');
  lat.add('LIST leases (kube-node-lease)', r.ms);
  // The list's own time is the reference: a lease expired when it was read counts, not one that expired while the answer was on its way.
  const at = Date.now() - r.ms;
  const items = (JSON.parse(r.body) as { items: { metadata: { name: string }; spec?: { renewTime?: string; leaseDurationSeconds?: number } }[] }).items;
  lc.checks++;
  lc.missing = Math.max(0, nodeCount - items.length);
  for (const l of items) {
    const renew = l.spec?.renewTime ? Date.parse(l.spec.renewTime) : Number.NaN;
    const age = (at - renew) / 1000;
    if (!(age <= (l.spec?.leaseDurationSeconds ?? 40))) {
      lc.lapsed++;
      lc.lapsedNames.add(l.metadata.name);
    }
    if (age > lc.maxAgeS) lc.maxAgeS = age;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');

async function main(): Promise<void> {
  if (!opts['skip-build']) {
    process.stderr.write('building Wharf (npm run build) ...\n');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('the build failed');
  }
  const procs = new ChildProcesses();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wharf-scale-bench-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const gcTraceFile = opts['trace-gc'] ? path.resolve(opts['trace-gc']) : undefined;
  const cpuProfDir = opts['server-cpu-prof'] ? path.resolve(opts['server-cpu-prof']) : undefined;
  const args = [
    ...(gcTraceFile ? ['--trace-gc'] : []),
    ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []),
    ...wharfCommand(root), 'up', '--insecure-http', '--host', '127.0.0.1', '--port', String(port),
    '--data-dir', dataDir, '--nodes', String(nodeCount), '--zones', String(zoneCount),
  ];
  const multibar = new MultiBar(
    { format: '{phase} [{bar}] {value}/{total} | {rate}/s | {duration_formatted} {extra}', barsize: 30, fps: 5, hideCursor: true, clearOnComplete: false,
      // Without a terminal (a log file) the bars are printed every few seconds instead of redrawn.
      noTTYOutput: true, notTTYSchedule: 5000, gracefulExit: false },
    Presets.shades_classic,
  );
  const bars: SingleBar[] = [];
  let barsStopped = false;
  const stopBars = () => {
    if (!barsStopped) multibar.stop();
    barsStopped = true;
  };
  const bar = (phase: string, total: number) => {
    const b = multibar.create(total, 0, { phase: phase.padEnd(14), rate: '0', extra: '' });
    bars.push(b);
    return b;
  };

  const spawnedAt = performance.now();
  const child = procs.spawn(process.execPath, args, { cwd: root });
  const pid = child.pid!;
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-16_000)));
  const gcTraceWritten = gcTraceFile ? finished(child.stdout!.pipe(createWriteStream(gcTraceFile))) : undefined;
  if (!gcTraceFile) child.stdout!.resume();
  let serverExited: string | undefined;
  child.once('exit', (code, signal) => (serverExited = `wharf exited (code ${code}, signal ${signal})`));

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    stopBars();
    process.stderr.write('interrupted: stopping the server\n');
    void procs.stop(pid).finally(() => {
      if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const agent = keepAliveAgent(concurrency + 8);
  const via: Via = { agent };
  // The sampled reads and lists have their own connections, so that they never queue behind the creates.
  const probeAgent = keepAliveAgent(8);
  const probeVia: Via = { agent: probeAgent };
  const watchVia: Via = {}; // watches hold their own connections
  const lat = new ApiLatencies();
  const leases: LeaseCheck = { checks: 0, lapsed: 0, lapsedNames: new Set(), maxAgeS: 0, missing: nodeCount };
  const rssSamples: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  let nodes: NodeTracker | undefined;
  let podWatch: PodTracker | undefined;
  try {
    // The API server answers before the nodes have started (`wharf up` starts them after listening).
    for (;;) {
      if (serverExited) throw new Error(`${serverExited}: ${stderr.trim()}`);
      const ok = await httpRequest({}, 'GET', `${baseUrl}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) break;
      if (performance.now() - spawnedAt > 60_000) throw new Error(`wharf did not answer /readyz within 60 s: ${stderr.trim()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const apiReadyMs = performance.now() - spawnedAt;
    timers.push(setInterval(() => {
      try {
        rssSamples.push(memoryStatus(pid).rss);
      } catch {
        // exited
      }
    }, 1000));

    const nodeBar = bar('nodes Ready', nodeCount);
    nodes = await trackNodes(baseUrl, watchVia, spawnedAt, (n) => nodeBar.update(n, { rate: fmt((n * 1000) / (performance.now() - spawnedAt)) }));
    while (nodes.allReadyMs === undefined) {
      if (serverExited) throw new Error(`${serverExited}: ${stderr.trim()}`);
      if (nodes.failure) throw new Error(`node watch: ${nodes.failure}`);
      if (performance.now() - spawnedAt > 300_000) throw new Error(`only ${nodes.ready.size} of ${nodeCount} nodes Ready after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const allNodesReadyMs = nodes.allReadyMs;
    nodeBar.update(nodeCount, { extra: `in ${fmt(allNodesReadyMs / 1000, 1)} s from spawn` });

    // Lease freshness and the cluster-wide lists, every interval from now until the end.
    await checkLeases(baseUrl, probeVia, lat, leases);
    let listing = false;
    const sampleLists = async () => {
      if (listing) return; // a slow list is not stacked on another
      listing = true;
      try {
        await checkLeases(baseUrl, probeVia, lat, leases);
        for (const [key, url] of [['LIST pods (all namespaces)', `${baseUrl}/api/v1/pods`], ['LIST nodes', `${baseUrl}/api/v1/nodes`]] as const) {
          const r = await httpGetBytes(probeVia, url);
          if (r.status === 200) lat.add(key, r.ms);
          else lat.fail(key);
        }
      } catch {
        lat.fail('LIST (connection)');
      } finally {
        listing = false;
      }
    };
    timers.push(setInterval(() => void sampleLists(), listIntervalMs));

    // Namespaces first: one per group of pods.
    const cpuBefore = cpuTimeMs(pid);
    const nsBar = bar('namespaces', namespaceCount);
    const nsStart = performance.now();
    const nsResult = await runPool(0, namespaceCount, concurrency, async (k) => {
      const r = await httpRequest(via, 'POST', `${baseUrl}/api/v1/namespaces`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `scale-${k}` } }));
      if (r.status !== 201) return `namespace scale-${k}: ${r.status} ${r.body.slice(0, 200)}`;
      lat.add('POST namespaces', r.ms);
      return undefined;
    }, (n) => nsBar.update(n, { rate: fmt((n * 1000) / (performance.now() - nsStart)) }));
    if (nsResult.errors.length) throw new Error(`${nsResult.errors.length} namespace creates failed, first: ${nsResult.errors[0]!.message}`);

    const podList = await httpRequest(via, 'GET', `${baseUrl}/api/v1/pods?limit=1`);
    const podRv = (JSON.parse(podList.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    podWatch = await trackPods(baseUrl, watchVia, podRv);

    // Single-object reads sampled beside the load: an already-created pod and a random node.
    const sentAt = new Float64Array(podCount);
    const nodeNames = [...nodes.ready];
    let created = 0;
    let getTick = 0;
    timers.push(setInterval(() => {
      const k = getTick++;
      const i = created > 0 ? Math.floor(Math.random() * created) : -1;
      if (i >= 0 && k % 2 === 0) {
        void httpRequest(probeVia, 'GET', `${baseUrl}/api/v1/namespaces/${namespaceOf(i)}/pods/pod-${i}`).then(
          (r) => (r.status === 200 ? lat.add('GET pods', r.ms) : lat.fail('GET pods')),
          () => lat.fail('GET pods'),
        );
      } else {
        const name = nodeNames[Math.floor(Math.random() * nodeNames.length)]!;
        void httpRequest(probeVia, 'GET', `${baseUrl}/api/v1/nodes/${name}`).then(
          (r) => (r.status === 200 ? lat.add('GET nodes', r.ms) : lat.fail('GET nodes')),
          () => lat.fail('GET nodes'),
        );
      }
    }, Math.max(1, Math.round(1000 / getsPerSecond))));

    const createBar = bar('pods created', podCount);
    const runningBar = bar('pods Running', podCount);
    const loadStart = performance.now();
    const rate = (n: number) => fmt((n * 1000) / (performance.now() - loadStart));
    timers.push(setInterval(() => {
      runningBar.update(podWatch!.running, { rate: rate(podWatch!.running), extra: `NotReady ${nodes!.notReady.length}, lapsed leases ${leases.lapsed}` });
    }, 250));
    const createResult = await runPool(0, podCount, concurrency, async (i) => {
      const ns = namespaceOf(i);
      // Paced: pod i is not sent before its slot, as density tests create at a steady rate.
      if (createRate > 0) {
        const wait = loadStart + (i * 1000) / createRate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      sentAt[i] = performance.now();
      const r = await httpRequest(via, 'POST', `${baseUrl}/api/v1/namespaces/${ns}/pods`, podBody(i, ns));
      if (r.status !== 201) {
        lat.fail('POST pods');
        sentAt[i] = 0;
        return `pod-${i}: ${r.status} ${r.body.slice(0, 200)}`;
      }
      lat.add('POST pods', r.ms);
      created = Math.max(created, i + 1);
      return undefined;
    }, (n) => n % 50 === 0 && createBar.update(n, { rate: rate(n) }));
    const createdOk = podCount - createResult.errors.length;
    createBar.update(podCount, { rate: rate(podCount), extra: `${createResult.errors.length} failed` });
    const createsPerSec = (createdOk * 1000) / createResult.elapsedMs;

    // Until every created pod runs, or nothing has changed for two minutes, or the overall timeout.
    let last = -1;
    let lastChange = performance.now();
    while (podWatch.running < createdOk) {
      if (serverExited) throw new Error(`${serverExited}: ${stderr.trim()}`);
      if (podWatch.failure) break;
      if (podWatch.running !== last) {
        last = podWatch.running;
        lastChange = performance.now();
      }
      if (performance.now() - lastChange > 120_000 || performance.now() - loadStart > timeoutMs) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const allRunningMs = podWatch.running >= createdOk ? performance.now() - loadStart : Number.NaN;
    runningBar.update(podWatch.running, { rate: rate(podWatch.running) });
    // One last round of lists and leases at the full pod count.
    while (listing) await new Promise((r) => setTimeout(r, 100));
    await sampleLists();
    for (const t of timers) clearInterval(t);
    stopBars();

    const cpuAfter = cpuTimeMs(pid);
    const mem = memoryStatus(pid);
    const dbBytes = fileSize(path.join(dataDir, 'state.db')) + fileSize(path.join(dataDir, 'state.db-wal'));
    const startup: number[] = [];
    for (let i = 0; i < podCount; i++) if (sentAt[i]! > 0 && podWatch.runningAt[i]! > 0) startup.push(podWatch.runningAt[i]! - sentAt[i]!);
    const startupSummary = summarize(startup);
    // Where startup time goes: create to bound (API, scheduler queue, binding) and bound to Running (node agent, runtime delay, status write).
    const toBound: number[] = [];
    const boundToRunning: number[] = [];
    for (let i = 0; i < podCount; i++) {
      const b = podWatch.boundAt[i]!;
      if (sentAt[i]! > 0 && b > 0) toBound.push(b - sentAt[i]!);
      if (b > 0 && podWatch.runningAt[i]! > 0) boundToRunning.push(podWatch.runningAt[i]! - b);
    }
    const toBoundSummary = summarize(toBound);
    const boundToRunningSummary = summarize(boundToRunning);
    const latencies = [...lat.samples].sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, ...summarize(v), errors: lat.errors.get(key) ?? 0 }));
    const failedKeys = [...lat.errors].filter(([k]) => !lat.samples.has(k));
    const loadElapsedMs = performance.now() - loadStart;

    const report = {
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: os.totalmem() / 1024 ** 3, node: process.version },
      params: { nodes: nodeCount, zones: zoneCount, pods: podCount, namespaces: namespaceCount, concurrency, rate: createRate, listIntervalS: listIntervalMs / 1000 },
      apiReadyS: apiReadyMs / 1000,
      allNodesReadyS: allNodesReadyMs / 1000,
      nodeReadyTransitionsAway: nodes.notReady.length,
      notReadyNodeCount: new Set(nodes.notReady.map((n) => n.name)).size,
      notReadyNodes: [...new Set(nodes.notReady.map((n) => n.name))].slice(0, 20),
      firstNotReadyS: nodes.notReady.length ? nodes.notReady[0]!.atMs / 1000 : undefined,
      nodeWatchFailure: nodes.failure,
      leaseChecks: leases.checks,
      leasesLapsed: leases.lapsed,
      lapsedLeaseCount: leases.lapsedNames.size,
      lapsedLeaseNames: [...leases.lapsedNames].slice(0, 20),
      maxLeaseAgeS: leases.maxAgeS,
      leasesMissingAtLastCheck: leases.missing,
      podsCreated: createdOk,
      createErrors: createResult.errors.slice(0, 5),
      createsPerSec,
      podsRunning: podWatch.running,
      podWatchFailure: podWatch.failure,
      allRunningS: allRunningMs / 1000,
      podStartup: startupSummary,
      podCreateToBound: toBoundSummary,
      podBoundToRunning: boundToRunningSummary,
      api: latencies,
      apiFailuresOnly: failedKeys,
      serverRssMiB: mem.rss / MiB,
      serverPeakRssMiB: Math.max(mem.hwm, ...rssSamples) / MiB,
      serverCpuS: cpuAfter / 1000,
      serverCpuLoadS: (cpuAfter - cpuBefore) / 1000,
      serverCpuLoadPct: ((cpuAfter - cpuBefore) * 100) / loadElapsedMs,
      sqliteMiB: dbBytes / MiB,
      dataDir: opts.keep ? dataDir : undefined,
    };
    if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2));
    printReport(report.api, [
      ['nodes / zones', `${nodeCount} / ${zoneCount}`],
      ['pods / namespaces / clients', `${podCount} / ${namespaceCount} / ${concurrency} (bare pods)${createRate > 0 ? `, paced at ${createRate}/s` : ''}`],
      ['API answering /readyz', `${fmt(report.apiReadyS, 1)} s from spawn`],
      ['all nodes Ready', `${fmt(report.allNodesReadyS, 1)} s from spawn (SLO 30 s)`],
      [
        'Ready -> not Ready transitions',
        `${report.nodeReadyTransitionsAway} on ${report.notReadyNodeCount} nodes` +
          (report.firstNotReadyS === undefined ? '' : `, first ${fmt(report.firstNotReadyS, 1)} s from spawn (${report.notReadyNodes.slice(0, 3).join(', ')}, ...)`),
      ],
      [
        'lapsed leases',
        `${report.lapsedLeaseCount} leases (${report.leasesLapsed} sightings over ${report.leaseChecks} checks); ` +
          `oldest renewTime seen ${fmt(report.maxLeaseAgeS, 1)} s; missing ${report.leasesMissingAtLastCheck}`,
      ],
      ['pods created / creates/s', `${createdOk} / ${fmt(createsPerSec)}`],
      ['pods Running', `${report.podsRunning} of ${createdOk}${report.podWatchFailure ? ` (pod watch: ${report.podWatchFailure})` : ''}`],
      ['time to all Running', Number.isFinite(allRunningMs) ? `${fmt(report.allRunningS, 1)} s from the first create` : 'not reached'],
      ['pod startup p50 / p99 / max', `${fmt(startupSummary.p50)} / ${fmt(startupSummary.p99)} / ${fmt(startupSummary.max)} ms (SLO p99 5000 ms)`],
      ['  create -> bound p50 / p99', `${fmt(toBoundSummary.p50)} / ${fmt(toBoundSummary.p99)} ms`],
      ['  bound -> Running p50 / p99', `${fmt(boundToRunningSummary.p50)} / ${fmt(boundToRunningSummary.p99)} ms`],
      ['server RSS end / peak', `${fmt(report.serverRssMiB)} / ${fmt(report.serverPeakRssMiB)} MiB`],
      ['server CPU total / load phase', `${fmt(report.serverCpuS, 1)} s / ${fmt(report.serverCpuLoadS, 1)} s (${fmt(report.serverCpuLoadPct)} % of one core)`],
      ['SQLite state.db + WAL', `${fmt(report.sqliteMiB, 1)} MiB`],
    ]);
    if (failedKeys.length) console.log(`\nfailed calls without successes: ${failedKeys.map(([k, n]) => `${k} x${n}`).join(', ')}`);
    if (createResult.errors.length) console.log(`\nfirst create errors: ${createResult.errors.slice(0, 3).map((e) => e.message).join(' | ')}`);
  } finally {
    for (const t of timers) clearInterval(t);
    stopBars();
    nodes?.close();
    podWatch?.close();
    agent.destroy();
    probeAgent.destroy();
    if (!interrupted) {
      const { code, signal } = await procs.stop(pid, 30_000);
      if (code !== 0 && !serverExited) process.stderr.write(`wharf did not exit cleanly (code ${code}, signal ${signal})\n`);
      if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
      else process.stderr.write(`kept ${dataDir}\n`);
      if (cpuProfDir) {
        printCpuProfiles(cpuProfDir, root);
        printLongTasks(cpuProfDir, root, 250);
      }
      if (gcTraceFile) {
        await gcTraceWritten;
        printGcSummary(summarizeGcTrace(readFileSync(gcTraceFile, 'utf8')));
      }
    }
  }
}

function printGcSummary(isolates: IsolateGc[]): void {
  console.log('\ngarbage collection per thread (from --trace-gc; the first is the main thread)');
  console.log(
    renderTable([
      ['isolate', 'scavenges', 'ms', 'full GCs', 'ms', 'longest pause ms', 'peak used MB', 'live after last full MB'],
      ...isolates.map((g) => [g.isolate, String(g.scavenges), fmt(g.scavengeMs), String(g.fullCollections), fmt(g.fullMs), fmt(g.maxPauseMs, 1), fmt(g.peakUsedMb), fmt(g.liveAfterLastFullMb)]),
    ]),
  );
}

function printReport(api: ({ key: string; errors: number } & LatencySummary)[], summary: [string, string][]): void {
  console.log(renderTable([['measure', 'value'], ...summary]));
  console.log('');
  console.log(
    renderTable([
      ['API call (client side)', 'count', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
      ...api.map((a) => [a.key, String(a.count), fmt(a.p50, 1), fmt(a.p99, 1), fmt(a.max, 1), String(a.errors)]),
    ]),
  );
}

await main();
