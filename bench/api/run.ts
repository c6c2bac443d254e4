/**
 * The API server benchmark: Wharf's pod creates against a real etcd's puts, LIST, watch fan-out, memory and
 * restart time, on fresh temp data dirs, over HTTPS with the admin's client certificate (`wharf up`'s secure
 * default); then what authentication and authorization cost: the same creates against plain HTTP, TLS with
 * AlwaysAllow and the default, on fresh servers. Usage (from the repository root):
 *
 *   node --import tsx bench/api/run.ts [--pods 20000] [--warmup 10000] [--rounds 3] [--concurrency 32]
 *     [--http-client undici|node] [--storage sqlite|etcd] [--compare-storage]
 *
 * The timed creates (and etcd's timed puts) follow `--warmup` untimed ones, so that what is measured is a server
 * whose code is compiled and which is busy, not one starting up; the creates from the start are reported too.
 * etcd's puts and Wharf's creates run `--rounds` times, alternating, each on a fresh etcd and a fresh server: on a
 * machine whose speed drifts by a tenth from one minute to the next, one run of each said more about the minute
 * than about the two. The table gives each measure's median over the rounds and the median of the rounds'
 * ratios; each round's figures follow it.
 * The load generator uses undici by default (`--http-client node`: Node's https agent), whose lower CPU per
 * request leaves more of this 2-core machine to the server measured.
 *
 * `--storage etcd` runs the Wharf phases on an etcd of their own (`wharf up --etcd`); `--compare-storage` adds a
 * phase of creates on fresh servers over SQLite and over etcd, beside the raw etcd puts of the first phase.
 *
 * Progress goes to stderr; the results table to stdout. Every process started here is stopped by its pid.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Etcd3 } from 'etcd3';
import { ChildProcesses } from '../lib/child-processes.js';
import { summarizeCpuProfile } from '../lib/cpu-profile-summary.js';
import { etcdVersion, startEtcd } from '../lib/etcd-server.js';
import { httpGetBytes, httpRequest, keepAliveAgent, type Via } from '../lib/http-client.js';
import { httpClientKinds, jsonPoster, type HttpClientKind, type JsonPoster } from '../lib/json-poster.js';
import { podManifest } from '../lib/pod-manifest.js';
import { cpuTimeMs, memoryStatus } from '../lib/proc-status.js';
import { Progress } from '../lib/progress.js';
import { renderMarkdownTable, renderTable } from '../lib/report-table.js';
import { runPool, type PoolResult } from '../lib/run-pool.js';
import { median, summarize, type LatencySummary } from '../lib/stats.js';
import { sampleValue } from '../lib/prometheus-text.js';
import { openWatch } from '../lib/watch-stream.js';
import { startWharf, type WharfSecurity, type WharfServer } from '../lib/wharf-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MiB = 1024 * 1024;
const namespace = 'bench';
/** Where the warm-up creates go, apart from the pods that are listed and counted. */
const warmupNamespace = 'bench-warmup';
const podsPath = `/api/v1/namespaces/${namespace}/pods`;

const { values: opts } = parseArgs({
  options: {
    pods: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    'http-client': { type: 'string', default: 'undici' },
    concurrency: { type: 'string', default: '32' },
    'list-pods': { type: 'string', default: '10000' },
    watchers: { type: 'string', default: '100' },
    'watch-pods': { type: 'string', default: '2000' },
    'list-runs': { type: 'string', default: '5' },
    'settle-seconds': { type: 'string', default: '14' },
    'auth-pods': { type: 'string' },
    'auth-rounds': { type: 'string', default: '2' },
    'skip-auth-overhead': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'skip-etcd': { type: 'boolean', default: false },
    'server-cpu-prof': { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'server-root': { type: 'string' },
    storage: { type: 'string', default: 'sqlite' },
    'compare-storage': { type: 'boolean', default: false },
    'compare-pods': { type: 'string' },
    'compare-rounds': { type: 'string', default: '2' },
  },
});

// The Wharf tree whose built server is measured: this checkout, or a snapshot of one commit (see bench/README.md).
const serverRoot = opts['server-root'] ? path.resolve(opts['server-root']) : root;
const podCount = positive('pods');
const warmupPods = nonNegative('warmup');
const rounds = positive('rounds');
if (!httpClientKinds.includes(opts['http-client'] as HttpClientKind)) {
  console.error(`--http-client must be one of ${httpClientKinds.join(', ')}`);
  process.exit(2);
}
const httpClient = opts['http-client'] as HttpClientKind;
const concurrency = positive('concurrency');
const listPods = positive('list-pods');
const watcherCount = positive('watchers');
const watchPods = positive('watch-pods');
const listRuns = positive('list-runs');
const settleSeconds = Math.max(2, positive('settle-seconds'));
// The overhead phase repeats the main create phase's count unless told otherwise.
const authPods = opts['auth-pods'] === undefined ? podCount : positive('auth-pods');
const authRounds = positive('auth-rounds');
type Storage = 'sqlite' | 'etcd';
const storages: readonly Storage[] = ['sqlite', 'etcd'];
if (!storages.includes(opts.storage as Storage)) {
  console.error('--storage must be sqlite or etcd');
  process.exit(2);
}
const storage = opts.storage as Storage;
const comparePods = opts['compare-pods'] === undefined ? podCount : positive('compare-pods');
const compareRounds = positive('compare-rounds');
const securityModes: readonly WharfSecurity[] = ['insecure-http', 'always-allow', 'secure'];
const securityLabel: Record<WharfSecurity, string> = {
  'insecure-http': '(a) --insecure-http',
  'always-allow': '(b) TLS, --authorization-mode AlwaysAllow',
  secure: '(c) default: TLS + client certs + RBAC',
};

function positive(name: keyof typeof opts): number {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
  return n;
}

function nonNegative(name: keyof typeof opts): number {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be an integer of 0 or more`);
    process.exit(2);
  }
  return n;
}

/** One round of the throughput comparison: etcd's puts, then Wharf's creates, each on a fresh process. */
interface ThroughputRound {
  etcd?: NonNullable<Results['etcd']>;
  creates: NonNullable<Results['creates']>;
  warmupCreates?: NonNullable<Results['warmupCreates']>;
}

interface Results {
  machine: Record<string, string>;
  params: Record<string, number>;
  podJsonBytes: number;
  /** serverCpuPct, clientCpuPct: CPU time of the server and of the benchmark process over the phase's wall time (200 % = both CPUs of a 2-CPU machine). */
  etcd?: { version: string; putsPerSec: number; warmupPerSec?: number; latency: LatencySummary; errors: number; serverCpuPct: number; clientCpuPct: number };
  /**
   * The timed creates: `pods` of them, straight after the warm-up creates, with no pause (the server warm and
   * busy, as etcd is in its phase). The creates from the start and the warm-up are reported apart.
   */
  creates?: {
    pods: number;
    perSec: number;
    latency: LatencySummary;
    errors: number;
    firstErrors: string[];
    serverCpuPct: number;
    clientCpuPct: number;
    serverCpuPerCreateUs: number;
    /** With --storage etcd: the CPU of Wharf's etcd per create. */
    etcdCpuPerCreateUs?: number;
  };
  /** The warm-up creates of the timed server, from its start: its code still being compiled. */
  warmupCreates?: { pods: number; perSec: number; latency: LatencySummary; rampPerSec: number[] };
  /** Every round of etcd's puts and Wharf's timed creates; `etcd`, `creates` and `warmupCreates` hold their medians. */
  throughputRounds?: ThroughputRound[];
  /** The median over the rounds of each round's Wharf creates/s ÷ etcd puts/s. */
  etcdRatio?: number;
  /** The `listPods` creates of the memory phase's server, from its start (no warm-up). */
  coldCreates?: { pods: number; perSec: number; latency: LatencySummary };
  /** --compare-storage: creates on fresh servers over each storage, rounds alternating sqlite, etcd. */
  storageCompare?: StorageRun[];
  list?: { items: number; bytes: number; medianMs: number; runsMs: number[]; pagedMedianMs: number; pagedRunsMs: number[]; pages: number };
  watch?: {
    watchers: number;
    events: number;
    complete: number;
    missing: number;
    duplicates: number;
    otherEvents: number;
    failures: string[];
    lagAfterAck: LatencySummary;
    lagAfterSend: LatencySummary;
    /** Per event: from the first watcher receiving it to the last. */
    spread: LatencySummary;
    createLatency: LatencySummary;
    beforeAck: number;
    createsPerSec: number;
    serverCpuMs: number;
    /** From /metrics: before the watchers connect, once all are connected, and after the last event reached them. */
    metrics: WatchMetrics[];
  };
  authOverhead?: {
    pods: number;
    concurrency: number;
    runs: AuthRun[];
    /** Per mode, the median over the rounds (with two rounds, their mean). */
    median: Record<WharfSecurity, { perSec: number; p99: number; serverCpuPerCreateUs: number; clientCpuPerCreateUs: number }>;
    /** (b) vs (c): what authentication and RBAC cost; (a) vs (c): what TLS, authentication and RBAC cost. */
    authz: Overhead;
    tlsAuthz: Overhead;
  };
  memory?: {
    idleRss: number;
    /** 2 s after the last create of the first leg: the burst's young generation still held. */
    rssAfterBurst: number;
    /** Once the server has been quiet for `settleSeconds`, after its idle collections. */
    rssAfterList: number;
    listPods: number;
    finalRss: number;
    finalPods: number;
    peak: number;
  };
  restart?: { readyMs: number; firstListMs: number; pods: number };
  serverErrors?: string;
  profile?: string;
}

interface StorageRun {
  storage: Storage;
  round: number;
  pods: number;
  perSec: number;
  latency: LatencySummary;
  errors: number;
  serverCpuPerCreateUs: number;
  /** etcd's CPU per create (0 on SQLite). */
  etcdCpuPerCreateUs: number;
}

interface WatchMetrics {
  when: string;
  storageWatches: number | undefined;
  podWatchers: number | undefined;
}

interface AuthRun {
  security: WharfSecurity;
  round: number;
  perSec: number;
  latency: LatencySummary;
  errors: number;
  serverCpuPerCreateUs: number;
  /** The benchmark's own CPU per create: on this shared machine, client-side TLS takes CPU from the server. */
  clientCpuPerCreateUs: number;
}

/** How much lower the throughput and how much higher the p99 are with the extra layers than without, percent. */
interface Overhead {
  throughputLossPct: number;
  p99IncreasePct: number;
}

const procs = new ChildProcesses();
const progress = new Progress();
const results: Results = {
  machine: machineInfo(),
  params: { pods: podCount, warmupPods, rounds, concurrency, listPods, watchers: watcherCount, watchPods, authPods, authRounds, comparePods, compareRounds },
  podJsonBytes: Buffer.byteLength(podManifest('pod-000000', namespace, 'create')),
};

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    progress.note(`${sig}: stopping the server and etcd`);
    void procs.stopAll().finally(() => process.exit(130));
  });
}

await main();

async function main(): Promise<void> {
  if (!opts['skip-build']) {
    progress.note(`building Wharf in ${serverRoot} (npm run build) ...`);
    const r = spawnSync(process.execPath, [path.join(serverRoot, 'scripts', 'build.js')], { cwd: serverRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('build failed; fix it or pass --skip-build to use the existing dist/');
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-'));
  progress.note(`temp dir ${tmp}`);
  try {
    const done: ThroughputRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const label = rounds > 1 ? `round ${round} of ${rounds}: ` : '';
      if (!opts['skip-etcd']) await etcdPhase(path.join(tmp, `etcd-${round}`), label);
      await createThroughputPhase(path.join(tmp, `wharf-creates-${round}`), label);
      done.push({ etcd: results.etcd, creates: results.creates!, warmupCreates: results.warmupCreates });
      // Each round's data dirs go once measured: three rounds of 30,000 pods add up.
      rmSync(path.join(tmp, `etcd-${round}`), { recursive: true, force: true });
      rmSync(path.join(tmp, `wharf-creates-${round}`), { recursive: true, force: true });
    }
    summarizeRounds(done);
    await storedPodsPhases(path.join(tmp, 'wharf'));
    if (opts['compare-storage']) await storageComparePhase(path.join(tmp, 'compare'));
    if (!opts['skip-auth-overhead']) await authOverheadPhase(path.join(tmp, 'auth'));
  } catch (e) {
    progress.stop();
    console.error(`benchmark failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exitCode = 1;
  } finally {
    progress.stop();
    await procs.stopAll();
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  }
  report();
}

async function etcdPhase(dir: string, label: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  progress.note(`${label}starting etcd ...`);
  const etcd = await startEtcd(procs, dir);
  const client = new Etcd3({ hosts: etcd.clientUrl });
  const put = (ns: string) => async (i: number) => {
    await client.put(`/registry/pods/${ns}/${podName(i)}`).value(podManifest(podName(i), ns, 'create'));
    return undefined;
  };
  try {
    // The same warm-up as Wharf's: the etcd client's code is JIT-compiled too.
    let warmupPerSec: number | undefined;
    if (warmupPods > 0) {
      progress.start(`${label}etcd warm-up puts (${concurrency} clients)`, warmupPods);
      const warm = await runPool(0, warmupPods, concurrency, put(warmupNamespace), (n) => progress.update(n));
      progress.stop();
      failIfErrors('etcd warm-up puts', warm);
      warmupPerSec = (warmupPods * 1000) / warm.elapsedMs;
    }
    progress.start(`${label}etcd puts (${concurrency} clients)`, podCount);
    const etcdCpu0 = cpuTimeMs(etcd.pid);
    const clientCpu0 = process.cpuUsage();
    const r = await runPool(0, podCount, concurrency, put(namespace), (n) => progress.update(n));
    progress.stop();
    results.etcd = {
      version: etcd.version,
      putsPerSec: (podCount * 1000) / r.elapsedMs,
      warmupPerSec,
      latency: summarize(r.latencies),
      errors: r.errors.length,
      serverCpuPct: (100 * (cpuTimeMs(etcd.pid) - etcdCpu0)) / r.elapsedMs,
      clientCpuPct: cpuPct(process.cpuUsage(clientCpu0), r.elapsedMs),
    };
    if (r.errors.length) progress.note(`etcd: ${r.errors.length} failed puts, first: ${r.errors[0]!.message}`);
  } finally {
    client.close();
    await etcd.stop();
  }
}

/** With etcd storage: a fresh etcd of the server's own, and the `wharf up` flags that point at it. */
async function storageFor(kind: Storage, dataDir: string): Promise<{ extraArgs: string[]; etcdPid?: number }> {
  if (kind === 'sqlite') return { extraArgs: [] };
  const dir = `${dataDir}-etcd`;
  mkdirSync(dir, { recursive: true });
  progress.note('starting etcd for Wharf ...');
  const etcd = await startEtcd(procs, dir);
  return { extraArgs: ['--etcd', etcd.clientUrl], etcdPid: etcd.pid };
}

/**
 * The timed creates, on a server of their own: `--warmup` creates from its start (compiling its code), then the
 * timed `--pods` creates straight on, as etcd's puts follow its warm-up. The server is stopped afterwards; with
 * `--server-cpu-prof` this is the server profiled.
 */
async function createThroughputPhase(dataDir: string, label: string): Promise<void> {
  const cpuProfDir = opts['server-cpu-prof'] ? path.resolve(opts['server-cpu-prof']) : undefined;
  const backing = await storageFor(storage, dataDir);
  progress.note(`${label}starting Wharf on ${storage}${cpuProfDir ? ' under --cpu-prof' : ''} for the timed creates ...`);
  const server = await startWharf(procs, { root: serverRoot, dataDir, cpuProfDir, extraArgs: backing.extraArgs });
  const agent = keepAliveAgent(concurrency, server.tls);
  const poster = jsonPoster(httpClient, server.baseUrl, concurrency, server.tls);
  try {
    await sleep(1000);
    await createNamespace({ agent }, server, namespace);
    if (warmupPods > 0) {
      await createNamespace({ agent }, server, warmupNamespace);
      progress.start(`${label}Wharf warm-up creates, from the start (${concurrency} clients)`, warmupPods);
      // The rate per tenth of the warm-up shows how long the server takes to get up to speed.
      const tenth = Math.max(1, Math.floor(warmupPods / 10));
      const ramp: number[] = [];
      let markAt = performance.now();
      const warm = await runPool(0, warmupPods, concurrency, createPod(poster, `/api/v1/namespaces/${warmupNamespace}/pods`, warmupNamespace), (n) => {
        progress.update(n);
        if (n % tenth === 0 && ramp.length < 10) {
          const now = performance.now();
          ramp.push((tenth * 1000) / (now - markAt));
          markAt = now;
        }
      });
      progress.stop();
      failIfErrors('warm-up creates', warm);
      results.warmupCreates = { pods: warmupPods, perSec: (warmupPods * 1000) / warm.elapsedMs, latency: summarize(warm.latencies), rampPerSec: ramp };
    }

    progress.start(`${label}Wharf creates (${concurrency} clients)`, podCount);
    const serverCpu = cpuTimeMs(server.pid);
    const etcdCpu0 = backing.etcdPid === undefined ? 0 : cpuTimeMs(backing.etcdPid);
    const clientCpu = process.cpuUsage();
    const timed = await runPool(0, podCount, concurrency, createPod(poster, podsPath, namespace), (n) => progress.update(n));
    progress.stop();
    const serverCpuMs = cpuTimeMs(server.pid) - serverCpu;
    const clientCpuUs = process.cpuUsage(clientCpu);
    const etcdCpuMs = backing.etcdPid === undefined ? undefined : cpuTimeMs(backing.etcdPid) - etcdCpu0;
    results.creates = {
      pods: podCount,
      perSec: (podCount * 1000) / timed.elapsedMs,
      serverCpuPct: (100 * serverCpuMs) / timed.elapsedMs,
      clientCpuPct: cpuPct(clientCpuUs, timed.elapsedMs),
      serverCpuPerCreateUs: (serverCpuMs * 1000) / podCount,
      etcdCpuPerCreateUs: etcdCpuMs === undefined ? undefined : (etcdCpuMs * 1000) / podCount,
      latency: summarize(timed.latencies),
      errors: timed.errors.length,
      firstErrors: timed.errors.slice(0, 5).map((e) => `${podName(e.index)}: ${e.message}`),
    };
    if (timed.errors.length) progress.note(`Wharf: ${timed.errors.length} failed creates, first: ${timed.errors[0]!.message}`);
    const logged = server.stderr().trim();
    if (logged) results.serverErrors = logged.slice(0, 4000);
    await poster.close();
    agent.destroy();
    await server.stop();
    if (cpuProfDir) results.profile = profileReport(cpuProfDir);
  } finally {
    await poster.close();
    agent.destroy();
    await procs.stopAll();
  }
}

/** A round's Wharf creates/s ÷ etcd puts/s; undefined without etcd. */
function roundRatio(r: ThroughputRound): number | undefined {
  return r.etcd ? r.creates.perSec / r.etcd.putsPerSec : undefined;
}

/** etcd's CPU per put, µs: its CPU share (percent of one CPU) over its puts per second. */
function etcdCpuPerPutUs(etcd: NonNullable<Results['etcd']>): number {
  return (etcd.serverCpuPct * 10_000) / etcd.putsPerSec;
}

/**
 * Puts each measure's median over the rounds in `results.etcd`, `creates` and `warmupCreates` (failures are
 * summed), and the median of the rounds' own ratios in `etcdRatio`: a round's two runs are minutes apart at
 * most, so their ratio is what the machine's drift disturbs least.
 */
function summarizeRounds(done: ThroughputRound[]): void {
  results.throughputRounds = done;
  const mid = (pick: (r: ThroughputRound) => number | undefined): number => median(done.map(pick).filter((v): v is number => v !== undefined));
  const midLatency = (pick: (r: ThroughputRound) => LatencySummary | undefined): LatencySummary => ({
    count: mid((r) => pick(r)?.count),
    p50: mid((r) => pick(r)?.p50),
    p99: mid((r) => pick(r)?.p99),
    max: mid((r) => pick(r)?.max),
    mean: mid((r) => pick(r)?.mean),
  });
  const creates = done.map((r) => r.creates);
  results.creates = {
    pods: podCount,
    perSec: mid((r) => r.creates.perSec),
    latency: midLatency((r) => r.creates.latency),
    errors: creates.reduce((n, c) => n + c.errors, 0),
    firstErrors: creates.flatMap((c) => c.firstErrors).slice(0, 5),
    serverCpuPct: mid((r) => r.creates.serverCpuPct),
    clientCpuPct: mid((r) => r.creates.clientCpuPct),
    serverCpuPerCreateUs: mid((r) => r.creates.serverCpuPerCreateUs),
    etcdCpuPerCreateUs: creates[0]!.etcdCpuPerCreateUs === undefined ? undefined : mid((r) => r.creates.etcdCpuPerCreateUs),
  };
  const first = done[0]!;
  if (first.warmupCreates) {
    results.warmupCreates = {
      pods: first.warmupCreates.pods,
      perSec: mid((r) => r.warmupCreates?.perSec),
      latency: midLatency((r) => r.warmupCreates?.latency),
      rampPerSec: first.warmupCreates.rampPerSec.map((_, i) => mid((r) => r.warmupCreates?.rampPerSec[i])),
    };
  }
  if (first.etcd) {
    results.etcd = {
      ...first.etcd,
      putsPerSec: mid((r) => r.etcd?.putsPerSec),
      warmupPerSec: first.etcd.warmupPerSec === undefined ? undefined : mid((r) => r.etcd?.warmupPerSec),
      latency: midLatency((r) => r.etcd?.latency),
      errors: done.reduce((n, r) => n + (r.etcd?.errors ?? 0), 0),
      serverCpuPct: mid((r) => r.etcd?.serverCpuPct),
      clientCpuPct: mid((r) => r.etcd?.clientCpuPct),
    };
    results.etcdRatio = mid(roundRatio);
  }
}

/**
 * On a fresh server: `--list-pods` creates from its start, memory once it has settled, LIST, watch fan-out, and
 * a restart on the same data dir.
 */
async function storedPodsPhases(dataDir: string): Promise<void> {
  const backing = await storageFor(storage, dataDir);
  const extraArgs = backing.extraArgs;
  progress.note(`starting Wharf on ${storage} for memory, LIST, watch and restart ...`);
  let server: WharfServer = await startWharf(procs, { root: serverRoot, dataDir, extraArgs });
  const agent = keepAliveAgent(concurrency, server.tls);
  const via: Via = { agent };
  const poster = jsonPoster(httpClient, server.baseUrl, concurrency, server.tls);
  try {
    await sleep(1000);
    const idle = memoryStatus(server.pid);
    await createNamespace(via, server, namespace);
    const podsUrl = server.baseUrl + podsPath;

    progress.start(`Wharf creates from the start (${concurrency} clients)`, listPods);
    const cold = await runPool(0, listPods, concurrency, createPod(poster, podsPath, namespace), (n) => progress.update(n));
    progress.stop();
    failIfErrors('creates from the start', cold);
    results.coldCreates = { pods: listPods, perSec: (listPods * 1000) / cold.elapsedMs, latency: summarize(cold.latencies) };
    await poster.close();

    await sleep(2000);
    const afterBurst = memoryStatus(server.pid);
    // An idle server collects twice (src/cli/idle-gc.ts): once 2-4 s after the burst and again some 8 s
    // after it; only the second hands the young generation's pages back.
    progress.note(`waiting ${settleSeconds} s for the server to settle ...`);
    await sleep(settleSeconds * 1000 - 2000);
    const settled = memoryStatus(server.pid);

    results.list = await measureList(via, podsUrl, listPods);
    results.watch = await measureWatch(server, via, podsUrl);

    await sleep(2000);
    const final = memoryStatus(server.pid);
    results.memory = { idleRss: idle.rss, rssAfterBurst: afterBurst.rss, rssAfterList: settled.rss, listPods, finalRss: final.rss, finalPods: listPods + watchPods, peak: final.hwm };

    const logged = server.stderr().trim();
    if (logged) results.serverErrors = [results.serverErrors, logged.slice(0, 4000)].filter(Boolean).join('\n');

    // Restart on the same data dir and port: time from spawn to the first /readyz 200.
    agent.destroy();
    progress.note('restarting Wharf on the same data dir ...');
    const port = server.port;
    await server.stop();
    server = await startWharf(procs, { root: serverRoot, dataDir, port, tls: server.tls, extraArgs });
    const first = await httpGetBytes({ tls: server.tls }, podsUrl);
    if (first.status !== 200) throw new Error(`LIST after restart: ${first.status}`);
    const items = (JSON.parse(first.body.toString('utf8')) as { items: unknown[] }).items.length;
    results.restart = { readyMs: server.readyMs, firstListMs: first.ms, pods: items };
    await server.stop();
  } finally {
    await poster.close();
    agent.destroy();
    await procs.stopAll();
  }
}

async function createNamespace(via: Via, server: WharfServer, name: string): Promise<void> {
  const ns = await httpRequest(via, 'POST', `${server.baseUrl}/api/v1/namespaces`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  if (ns.status !== 201) throw new Error(`creating namespace ${name}: ${ns.status} ${ns.body}`);
}

/** Legs whose figures are not the headline still count only if every create succeeded. */
function failIfErrors(what: string, r: PoolResult): void {
  if (r.errors.length) throw new Error(`${what}: ${r.errors.length} failed, first: ${r.errors[0]!.message}`);
}

/** One pool operation: create pod `podName(i)`; resolves with an error message unless the answer is 201. */
function createPod(poster: JsonPoster, podsPath: string, ns: string): (i: number) => Promise<string | undefined> {
  return async (i) => {
    const r = await poster.post(podsPath, podManifest(podName(i), ns, 'create'));
    return r.status === 201 ? undefined : `${r.status} ${r.body.slice(0, 300)}`;
  };
}

/**
 * Creates on a fresh server over SQLite and over a fresh etcd, alternating round after round, so Wharf's cost
 * per create on each storage can be read beside etcd's raw puts of the first phase.
 */
async function storageComparePhase(dir: string): Promise<void> {
  const runs: StorageRun[] = [];
  for (let round = 1; round <= compareRounds; round++) {
    for (const kind of storages) {
      const dataDir = path.join(dir, `${kind}-${round}`);
      const backing = await storageFor(kind, dataDir);
      progress.note(`starting Wharf on ${kind} (round ${round}/${compareRounds}) ...`);
      const server = await startWharf(procs, { root: serverRoot, dataDir, extraArgs: backing.extraArgs });
      const agent = keepAliveAgent(concurrency, server.tls);
      const via: Via = { agent };
      const poster = jsonPoster(httpClient, server.baseUrl, concurrency, server.tls);
      try {
        await sleep(1000);
        await createNamespace(via, server, namespace);
        progress.start(`creates on ${kind}, round ${round}`, comparePods);
        const cpu0 = cpuTimeMs(server.pid);
        const etcdCpu0 = backing.etcdPid === undefined ? 0 : cpuTimeMs(backing.etcdPid);
        const r = await runPool(0, comparePods, concurrency, createPod(poster, podsPath, namespace), (n) => progress.update(n));
        const cpuMs = cpuTimeMs(server.pid) - cpu0;
        const etcdCpuMs = backing.etcdPid === undefined ? 0 : cpuTimeMs(backing.etcdPid) - etcdCpu0;
        progress.stop();
        if (r.errors.length) progress.note(`${kind}: ${r.errors.length} failed creates, first: ${r.errors[0]!.message}`);
        runs.push({
          storage: kind,
          round,
          pods: comparePods,
          perSec: (comparePods * 1000) / r.elapsedMs,
          latency: summarize(r.latencies),
          errors: r.errors.length,
          serverCpuPerCreateUs: (cpuMs * 1000) / comparePods,
          etcdCpuPerCreateUs: (etcdCpuMs * 1000) / comparePods,
        });
      } finally {
        agent.destroy();
        await poster.close();
        await procs.stopAll();
        if (!opts.keep) for (const d of [dataDir, `${dataDir}-etcd`]) rmSync(d, { recursive: true, force: true });
      }
    }
  }
  results.storageCompare = runs;
}

/**
 * The same creates (count and concurrency) against a fresh server in each security mode, the modes alternating
 * round after round so that a slow spell of this shared machine does not land on one mode only.
 */
async function authOverheadPhase(dir: string): Promise<void> {
  const runs: AuthRun[] = [];
  for (let round = 1; round <= authRounds; round++) {
    for (const security of securityModes) {
      const dataDir = path.join(dir, `${security}-${round}`);
      progress.note(`starting Wharf ${securityLabel[security]} (round ${round}/${authRounds}) ...`);
      const server = await startWharf(procs, { root: serverRoot, dataDir, security });
      const agent = keepAliveAgent(concurrency, server.tls);
      const via: Via = { agent };
      const poster = jsonPoster(httpClient, server.baseUrl, concurrency, server.tls);
      try {
        await sleep(1000);
        await createNamespace(via, server, namespace);
        progress.start(`${security} creates, round ${round}`, authPods);
        const cpu0 = cpuTimeMs(server.pid);
        const clientCpu0 = process.cpuUsage();
        const r = await runPool(0, authPods, concurrency, createPod(poster, podsPath, namespace), (n) => progress.update(n));
        const cpuMs = cpuTimeMs(server.pid) - cpu0;
        const clientCpu = process.cpuUsage(clientCpu0);
        progress.stop();
        if (r.errors.length) progress.note(`${security}: ${r.errors.length} failed creates, first: ${r.errors[0]!.message}`);
        runs.push({
          security,
          round,
          perSec: (authPods * 1000) / r.elapsedMs,
          latency: summarize(r.latencies),
          errors: r.errors.length,
          serverCpuPerCreateUs: (cpuMs * 1000) / authPods,
          clientCpuPerCreateUs: (clientCpu.user + clientCpu.system) / authPods,
        });
      } finally {
        agent.destroy();
        await poster.close();
        await server.stop();
        if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const med = (security: WharfSecurity) => {
    const of = runs.filter((r) => r.security === security);
    return {
      perSec: median(of.map((r) => r.perSec)),
      p99: median(of.map((r) => r.latency.p99)),
      serverCpuPerCreateUs: median(of.map((r) => r.serverCpuPerCreateUs)),
      clientCpuPerCreateUs: median(of.map((r) => r.clientCpuPerCreateUs)),
    };
  };
  const m = { 'insecure-http': med('insecure-http'), 'always-allow': med('always-allow'), secure: med('secure') };
  const overhead = (without: { perSec: number; p99: number }, withLayers: { perSec: number; p99: number }): Overhead => ({
    throughputLossPct: 100 * (1 - withLayers.perSec / without.perSec),
    p99IncreasePct: 100 * (withLayers.p99 / without.p99 - 1),
  });
  results.authOverhead = {
    pods: authPods,
    concurrency,
    runs,
    median: m,
    authz: overhead(m['always-allow'], m.secure),
    tlsAuthz: overhead(m['insecure-http'], m.secure),
  };
}

async function measureList(via: Via, podsUrl: string, expected: number): Promise<NonNullable<Results['list']>> {
  progress.start(`LIST ${expected} pods`, listRuns * 2);
  const runsMs: number[] = [];
  let bytes = 0;
  for (let k = 0; k < listRuns; k++) {
    const r = await httpGetBytes(via, podsUrl);
    if (r.status !== 200) throw new Error(`LIST answered ${r.status}: ${r.body.toString('utf8', 0, 300)}`);
    runsMs.push(r.ms);
    bytes = r.bytes;
    if (k === 0) {
      const n = (JSON.parse(r.body.toString('utf8')) as { items: unknown[] }).items.length;
      if (n !== expected) throw new Error(`LIST returned ${n} pods, expected ${expected}`);
    }
    progress.update(k + 1);
  }
  const pagedRunsMs: number[] = [];
  let pages = 0;
  for (let k = 0; k < listRuns; k++) {
    // The sum of the page requests' times: the benchmark's own JSON parsing of each page is left out.
    let spent = 0;
    let seen = 0;
    pages = 0;
    let token: string | undefined;
    do {
      const url = `${podsUrl}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const r = await httpRequest(via, 'GET', url);
      spent += r.ms;
      if (r.status !== 200) throw new Error(`paged LIST answered ${r.status}: ${r.body.slice(0, 300)}`);
      const page = JSON.parse(r.body) as { items: unknown[]; metadata: { continue?: string } };
      seen += page.items.length;
      pages++;
      token = page.metadata.continue || undefined;
    } while (token);
    pagedRunsMs.push(spent);
    if (seen !== expected) throw new Error(`paged LIST returned ${seen} pods, expected ${expected}`);
    progress.update(listRuns + k + 1);
  }
  progress.stop();
  return { items: expected, bytes, medianMs: median(runsMs), runsMs, pagedMedianMs: median(pagedRunsMs), pagedRunsMs, pages };
}

/** The storage watches and the registered pod watchers, as the server's /metrics reports them now. */
async function watchMetrics(server: WharfServer, via: Via, when: string): Promise<WatchMetrics> {
  const r = await httpRequest(via, 'GET', `${server.baseUrl}/metrics`);
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}: ${r.body.slice(0, 300)}`);
  return {
    when,
    storageWatches: sampleValue(r.body, 'wharf_storage_watches'),
    podWatchers: sampleValue(r.body, 'apiserver_registered_watchers', { group: '', kind: 'Pod' }),
  };
}

async function measureWatch(server: WharfServer, via: Via, podsUrl: string): Promise<NonNullable<Results['watch']>> {
  const head = await httpRequest(via, 'GET', `${podsUrl}?limit=1`);
  const rv = (JSON.parse(head.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const metrics = [await watchMetrics(server, via, 'before the watchers connect')];
  progress.note(`opening ${watcherCount} watchers from resourceVersion ${rv} ...`);
  const watchers = Array.from({ length: watcherCount }, () =>
    openWatch(`${podsUrl}?watch=true&resourceVersion=${rv}`, server.tls, 'w-', watchPods),
  );
  try {
    await Promise.all(watchers.map((w) => w.opened));
    metrics.push(await watchMetrics(server, via, `${watcherCount} watchers connected`));
    const sent = new Float64Array(watchPods);
    const acked = new Float64Array(watchPods);
    const cpuBefore = cpuTimeMs(server.pid);
    progress.start(`creates with ${watcherCount} watchers`, watchPods);
    const r = await runPool(0, watchPods, concurrency, async (i) => {
      sent[i] = performance.now();
      const res = await httpRequest(via, 'POST', podsUrl, podManifest(`w-${i}`, namespace, 'watch'));
      acked[i] = performance.now();
      return res.status === 201 ? undefined : `${res.status} ${res.body.slice(0, 300)}`;
    }, (n) => progress.update(n));
    progress.stop();
    if (r.errors.length) progress.note(`watch phase: ${r.errors.length} failed creates, first: ${r.errors[0]!.message}`);

    // Wait until every watcher saw every event, or 30 s.
    const expectedPerWatcher = watchPods - r.errors.length;
    progress.start('watch delivery', watcherCount * expectedPerWatcher);
    const deadline = performance.now() + 30_000;
    for (;;) {
      const got = watchers.reduce((s, w) => s + Math.min(w.added, expectedPerWatcher), 0);
      progress.update(got);
      if (got >= watcherCount * expectedPerWatcher || performance.now() > deadline || watchers.every((w) => w.failure)) break;
      await sleep(20);
    }
    progress.stop();
    const serverCpuMs = cpuTimeMs(server.pid) - cpuBefore;
    metrics.push(await watchMetrics(server, via, `after ${watchPods} events, watchers still connected`));

    const lagAck: number[] = [];
    const lagSend: number[] = [];
    const spread: number[] = [];
    let beforeAck = 0;
    let missing = 0;
    const failed = new Set(r.errors.map((e) => e.index));
    for (let i = 0; i < watchPods; i++) {
      let first = Infinity;
      let last = 0;
      for (const w of watchers) {
        const at = w.received[i]!;
        if (at === 0) {
          if (!failed.has(i)) missing++;
          continue;
        }
        const lag = at - acked[i]!;
        if (lag < 0) beforeAck++;
        lagAck.push(Math.max(0, lag));
        lagSend.push(at - sent[i]!);
        first = Math.min(first, at);
        last = Math.max(last, at);
      }
      if (last > 0) spread.push(last - first);
    }
    return {
      watchers: watcherCount,
      events: watchers.reduce((s, w) => s + w.added, 0),
      complete: watchers.filter((w) => w.added - w.duplicates === expectedPerWatcher).length,
      missing,
      duplicates: watchers.reduce((s, w) => s + w.duplicates, 0),
      otherEvents: watchers.reduce((s, w) => s + w.other.length, 0),
      failures: [...new Set(watchers.flatMap((w) => (w.failure ? [w.failure] : [])))],
      lagAfterAck: summarize(lagAck),
      lagAfterSend: summarize(lagSend),
      spread: summarize(spread),
      createLatency: summarize(r.latencies),
      beforeAck,
      createsPerSec: (watchPods * 1000) / r.elapsedMs,
      serverCpuMs,
      metrics,
    };
  } finally {
    for (const w of watchers) w.close();
  }
}

function profileReport(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const latest = files[files.length - 1];
  if (!latest) return `no .cpuprofile written in ${dir}`;
  const file = path.join(dir, latest);
  const s = summarizeCpuProfile(file, serverRoot);
  const top = (list: { frame: string; selfPct: number; totalPct: number }[]) =>
    list.slice(0, 25).map((f) => `  ${f.selfPct.toFixed(1).padStart(5)}% self ${f.totalPct.toFixed(1).padStart(5)}% total  ${f.frame}`).join('\n');
  return [
    `server CPU profile ${file} (${(s.totalMs / 1000).toFixed(1)} s sampled)`,
    'top frames by self time:',
    top(s.frames),
    'top frames by inclusive time:',
    top([...s.frames].sort((a, b) => b.totalPct - a.totalPct)),
    'self time by file:',
    s.byFile.slice(0, 15).map((f) => `  ${f.selfPct.toFixed(1).padStart(5)}%  ${f.file}`).join('\n'),
  ].join('\n');
}

function report(): void {
  const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
  const mib = (n: number | undefined) => (n === undefined ? 'n/a' : `${(n / MiB).toFixed(1)} MiB`);
  const ok = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'yes' : 'NO');
  const { creates, etcd, list, watch, memory, restart, coldCreates, warmupCreates } = results;
  const rows: string[][] = [['Measure', `Wharf (on ${storage})`, 'etcd', 'Target', 'Met']];
  const warmed = warmupPods > 0 ? ` after ${warmupPods} warm-up creates / puts` : '';
  const over = rounds > 1 ? `median of ${rounds} rounds, ` : '';
  rows.push([
    `creates/s (${over}${podCount} pods${warmed}, ${concurrency} clients)`,
    f(creates?.perSec, 0),
    f(etcd?.putsPerSec, 0),
    '>= 5000',
    ok(creates && creates.perSec >= 5000),
  ]);
  rows.push(['create latency p50 (ms)', f(creates?.latency.p50, 2), f(etcd?.latency.p50, 2), '', '']);
  rows.push(['create latency p99 (ms)', f(creates?.latency.p99, 2), f(etcd?.latency.p99, 2), '< 50', ok(creates && creates.latency.p99 < 50)]);
  rows.push(['server CPU during creates/puts (% of one CPU)', f(creates?.serverCpuPct, 0), f(etcd?.serverCpuPct, 0), '', '']);
  rows.push(['benchmark client CPU during creates/puts (%)', f(creates?.clientCpuPct, 0), f(etcd?.clientCpuPct, 0), '', '']);
  if (creates?.etcdCpuPerCreateUs !== undefined) rows.push(["Wharf's etcd CPU per create (µs)", f(creates.etcdCpuPerCreateUs, 0), '', '', '']);
  rows.push(['server CPU per create / put (µs)', f(creates?.serverCpuPerCreateUs, 0), etcd ? f(etcdCpuPerPutUs(etcd), 0) : 'n/a', '', '']);
  const ratio = results.etcdRatio;
  rows.push([rounds > 1 ? "Wharf creates/s ÷ etcd puts/s (median of the rounds' ratios)" : 'Wharf creates/s ÷ etcd puts/s', f(ratio, 2), '', '> 1.0', ok(ratio === undefined ? undefined : ratio > 1)]);
  if (rounds > 1) {
    for (const [i, r] of (results.throughputRounds ?? []).entries()) {
      rows.push([
        `  round ${i + 1}: creates/s (p99 ms), server CPU per create (µs)${r.etcd ? '; ratio' : ''}`,
        `${f(r.creates.perSec, 0)} (${f(r.creates.latency.p99, 1)}), ${f(r.creates.serverCpuPerCreateUs, 0)}${r.etcd ? `; ${f(roundRatio(r), 2)}` : ''}`,
        r.etcd ? `${f(r.etcd.putsPerSec, 0)} (${f(r.etcd.latency.p99, 1)}), ${f(etcdCpuPerPutUs(r.etcd), 0)}` : '',
        '',
        '',
      ]);
    }
  }
  rows.push(['failed creates / puts', String(creates?.errors ?? 'n/a'), String(etcd?.errors ?? 'n/a'), '0', ok(creates ? creates.errors === 0 : undefined)]);
  if (warmupCreates) {
    rows.push([`  the ${warmupCreates.pods} warm-up creates / puts, from the start: per s (p99 ms)`, `${f(warmupCreates.perSec, 0)} (${f(warmupCreates.latency.p99, 1)})`, f(etcd?.warmupPerSec, 0), '', '']);
    rows.push(['    the warm-up by tenths, per s', warmupCreates.rampPerSec.map((r) => f(r, 0)).join(' '), '', '', '']);
  }
  if (coldCreates) rows.push([`  the ${coldCreates.pods} creates of the memory phase, from the start: per s (p99 ms)`, `${f(coldCreates.perSec, 0)} (${f(coldCreates.latency.p99, 1)})`, '', '', '']);
  rows.push([`LIST ${list?.items ?? listPods} pods, median of ${listRuns} (ms)`, f(list?.medianMs), '', '< 200', ok(list && list.medianMs < 200)]);
  rows.push([`LIST ?limit=500, all ${list?.pages ?? '?'} pages, median (ms)`, f(list?.pagedMedianMs), '', '', '']);
  rows.push([`watch: watchers with all ${watchPods} events`, watch ? `${watch.complete}/${watch.watchers}` : 'n/a', '', `${watcherCount}/${watcherCount}`, ok(watch ? watch.complete === watch.watchers && watch.missing === 0 : undefined)]);
  rows.push(['watch lag, create sent -> event at watcher, p50 / p99 (ms)', watch ? `${f(watch.lagAfterSend.p50, 2)} / ${f(watch.lagAfterSend.p99, 2)}` : 'n/a', '', '', '']);
  rows.push(['  same-phase create latency p50 / p99 (ms)', watch ? `${f(watch.createLatency.p50, 2)} / ${f(watch.createLatency.p99, 2)}` : 'n/a', '', '', '']);
  rows.push(['  fan-out spread, first to last watcher, p99 (ms)', watch ? f(watch.spread.p99, 2) : 'n/a', '', '', '']);
  rows.push(['idle RSS after start', mib(memory?.idleRss), '', '< 150 MiB', ok(memory && memory.idleRss < 150 * MiB)]);
  rows.push([`RSS added by ${memory?.listPods ?? listPods} pods, idle (${settleSeconds} s after the last create)`, memory ? mib(memory.rssAfterList - memory.idleRss) : 'n/a', '', '< 200 MiB', ok(memory && memory.rssAfterList - memory.idleRss < 200 * MiB)]);
  rows.push([`  the same, 2 s after the last create`, memory ? mib(memory.rssAfterBurst - memory.idleRss) : 'n/a', '', '', '']);
  rows.push(['restart to /readyz 200 (ms)', f(restart?.readyMs), '', '< 1000', ok(restart && restart.readyMs < 1000)]);
  rows.push([`first LIST after restart, ${restart?.pods ?? '?'} pods (ms)`, f(restart?.firstListMs), '', '', '']);

  const lines: string[] = [];
  lines.push('');
  lines.push(`machine: ${Object.entries(results.machine).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`pod JSON sent: ${results.podJsonBytes} bytes (etcd values are the same bytes); HTTP client: ${httpClient}`);
  lines.push('');
  lines.push(opts.markdown ? renderMarkdownTable(rows) : renderTable(rows));
  if (watch) {
    lines.push('');
    lines.push(
      `watch fan-out: ${watch.watchers} watchers, ${watch.events} ADDED events received (${watch.watchers} x ${watchPods} expected), ` +
        `${watch.missing} missing, ${watch.duplicates} duplicates, ${watch.otherEvents} other events; ` +
        `${watch.beforeAck} of them arrived before the create's own response; ` +
        `lag after the create's response (0 when earlier) p50 ${f(watch.lagAfterAck.p50, 2)} ms / p99 ${f(watch.lagAfterAck.p99, 2)} ms; ` +
        `creates during fan-out ${f(watch.createsPerSec, 0)}/s; server CPU during the phase ${f(watch.serverCpuMs, 0)} ms` +
        (watch.failures.length ? `; stream failures: ${watch.failures.join('; ')}` : ''),
    );
    const num = (n: number | undefined) => (n === undefined ? 'absent' : String(n));
    lines.push(
      `/metrics: ` +
        watch.metrics.map((m) => `${m.when}: wharf_storage_watches ${num(m.storageWatches)}, apiserver_registered_watchers{group="",kind="Pod"} ${num(m.podWatchers)}`).join('; '),
    );
  }
  const compare = results.storageCompare;
  if (compare) {
    const medianOf = (kind: Storage, pick: (r: StorageRun) => number) => median(compare.filter((r) => r.storage === kind).map(pick));
    const compareRows: string[][] = [['Storage', 'creates/s (median)', 'runs', 'p50 / p99 ms (median)', 'Wharf CPU/create (µs)', 'etcd CPU/create (µs)', 'failed']];
    for (const kind of storages) {
      const of = compare.filter((r) => r.storage === kind);
      compareRows.push([
        `Wharf on ${kind}`,
        f(medianOf(kind, (r) => r.perSec), 0),
        of.map((r) => f(r.perSec, 0)).join(', '),
        `${f(medianOf(kind, (r) => r.latency.p50), 1)} / ${f(medianOf(kind, (r) => r.latency.p99), 1)}`,
        f(medianOf(kind, (r) => r.serverCpuPerCreateUs), 0),
        kind === 'etcd' ? f(medianOf(kind, (r) => r.etcdCpuPerCreateUs), 0) : '',
        String(of.reduce((n, r) => n + r.errors, 0)),
      ]);
    }
    if (etcd) {
      compareRows.push(['raw etcd puts (phase 1)', f(etcd.putsPerSec, 0), '1', `${f(etcd.latency.p50, 1)} / ${f(etcd.latency.p99, 1)}`, '', f(etcdCpuPerPutUs(etcd), 0), String(etcd.errors)]);
    }
    lines.push('');
    lines.push(`storage comparison: ${comparePods} creates from ${concurrency} clients per run, fresh server (and etcd) each run, ${compareRounds} rounds alternating sqlite, etcd`);
    lines.push(opts.markdown ? renderMarkdownTable(compareRows) : renderTable(compareRows));
  }
  const auth = results.authOverhead;
  if (auth) {
    const rounds = Array.from({ length: authRounds }, (_, k) => k + 1);
    const authRows: string[][] = [['Server', ...rounds.map((k) => `creates/s run ${k}`), 'creates/s median', ...rounds.map((k) => `p99 ms run ${k}`), 'p99 median (ms)', 'server CPU/create (µs)', 'client CPU/create (µs)', 'failed']];
    for (const security of securityModes) {
      const of = auth.runs.filter((r) => r.security === security);
      const m = auth.median[security];
      authRows.push([
        securityLabel[security],
        ...of.map((r) => f(r.perSec, 0)),
        f(m.perSec, 0),
        ...of.map((r) => f(r.latency.p99, 1)),
        f(m.p99, 1),
        f(m.serverCpuPerCreateUs, 0),
        f(m.clientCpuPerCreateUs, 0),
        String(of.reduce((n, r) => n + r.errors, 0)),
      ]);
    }
    const pct = (v: number) => `${v >= 0 ? '+' : ''}${f(v, 1)} %`;
    const overheadRows: string[][] = [['Overhead (medians)', 'creates/s lower by', 'p99 higher by', 'Target', 'Met']];
    const row = (label: string, o: Overhead) => [label, pct(o.throughputLossPct), pct(o.p99IncreasePct), '< 10 % each', ok(o.throughputLossPct < 10 && o.p99IncreasePct < 10)];
    // Authentication is on in (b) and (c) alike, so this row isolates RBAC; TLS and authentication are only separable together.
    overheadRows.push(row('authz (RBAC; authn on in both): (c) vs (b)', auth.authz));
    overheadRows.push(row('TLS + authn + authz: (c) vs (a)', auth.tlsAuthz));
    lines.push('');
    lines.push(`authentication and authorization overhead: ${auth.pods} creates from ${auth.concurrency} clients per run, fresh server each run, modes alternating a, b, c for ${authRounds} rounds`);
    lines.push(opts.markdown ? renderMarkdownTable(authRows) : renderTable(authRows));
    lines.push('');
    lines.push(opts.markdown ? renderMarkdownTable(overheadRows) : renderTable(overheadRows));
  }
  if (memory) {
    lines.push(
      `memory: idle ${mib(memory.idleRss)}, with ${memory.listPods} pods ${mib(memory.rssAfterList)}, with ${memory.finalPods} pods ${mib(memory.finalRss)}, peak (VmHWM) ${mib(memory.peak)}`,
    );
  }
  if (list) lines.push(`LIST runs (ms): ${list.runsMs.map((v) => v.toFixed(1)).join(', ')} (${(list.bytes / MiB).toFixed(1)} MiB each); paged runs (ms): ${list.pagedRunsMs.map((v) => v.toFixed(1)).join(', ')}`);
  if (creates?.firstErrors.length) lines.push(`first failed creates:\n  ${creates.firstErrors.join('\n  ')}`);
  if (results.serverErrors) lines.push(`server stderr:\n${results.serverErrors}`);
  if (results.profile) lines.push('', results.profile);
  console.log(lines.join('\n'));
  if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

function machineInfo(): Record<string, string> {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return {
    nproc: String(os.availableParallelism()),
    cpu,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel: os.release(),
    node: process.version,
    etcd: etcdVersion() ?? 'not installed',
    server: serverRoot === root ? `this checkout (${gitHead(root)})` : serverRoot,
  };
}

/** The commit of a checkout, marked dirty when its tree differs (other people's uncommitted work is measured too). */
function gitHead(dir: string): string {
  const head = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (head.status !== 0) return 'not a git checkout';
  const dirty = spawnSync('git', ['-C', dir, 'status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ', src has uncommitted changes' : ''}`;
}

function podName(i: number): string {
  return `pod-${String(i).padStart(6, '0')}`;
}

function cpuPct(usage: NodeJS.CpuUsage, wallMs: number): number {
  return (100 * (usage.user + usage.system)) / 1000 / wallMs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
