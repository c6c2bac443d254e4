/**
 * Storage at scale: `wharf up --nodes 100 --zones 3` (API server, scheduler, controllers with the
 * persistent volume binder and the built-in local-path provisioner, simulated fleet; TLS and RBAC as by
 * default) gets `--claims` PersistentVolumeClaims of the default `local-path` class (WaitForFirstConsumer)
 * and one pod per claim, all created at once through the API by `--concurrency` closed-loop clients.
 * Measured from the first create: the time until every claim is Bound (the scheduler picked a node, the
 * provisioner made a directory and a PV there, the binder bound them) and until every pod is Running.
 * Progress is read from three watches (claims and pods in the benchmark's namespace, PVs), not by polling;
 * they also time each step of each claim, and the audit log counts the API writes each component made.
 *
 * Run from the repository root: `node --import tsx bench/storage/run.ts [--claims 1000] [--nodes 100]
 * [--zones 3] [--concurrency 32] [--timeout 600] [--server-root DIR]`. The server runs the TypeScript
 * sources under tsx.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChildProcesses } from '../lib/child-processes.js';
import { httpRequest, keepAliveAgent, send, type TlsCredentials } from '../lib/http-client.js';
import { Progress } from '../lib/progress.js';
import { renderTable } from '../lib/report-table.js';
import { printCpuProfiles } from '../lib/cpu-profile-report.js';
import { runPool } from '../lib/run-pool.js';
import { startWharfUpFromSources } from '../lib/wharf-server.js';
import { isWrite, summarizeAudit } from '../lib/audit-summary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values: opts } = parseArgs({
  options: {
    claims: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '100' },
    zones: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    /** Seconds each phase may take before the benchmark gives up. */
    timeout: { type: 'string', default: '600' },
    keep: { type: 'boolean', default: false },
    /** Run the server under `node --cpu-prof` into this directory and print where its time went. */
    'server-cpu-prof': { type: 'string' },
    /** Write every claim's step times (ms from the first create) to this file as JSON. */
    json: { type: 'string' },
    /** Run the server from another Wharf tree (a snapshot of one commit, say) instead of this one. */
    'server-root': { type: 'string' },
  },
});

const claims = Number(opts.claims);
const serverRoot = opts['server-root'] ? path.resolve(opts['server-root']) : root;
const namespace = 'bench';

function claimBody(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: `data-${i}`, namespace },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '1Gi' } } },
  });
}

function podBody(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `app-${i}`, namespace },
    spec: {
      containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } }, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `data-${i}` } }],
    },
  });
}

let failure: string | undefined;

/**
 * The steps of one claim (`data-<i>`) and its pod (`app-<i>`), each the first time a watch showed it, and the
 * step each is measured from: the claim's chain (scheduler, binder, provisioner, binder) and the pod's.
 */
const stepInfo = {
  created: { name: 'claim created', from: undefined, whose: 'benchmark' },
  podCreated: { name: 'pod created', from: 'created', whose: 'benchmark' },
  selected: { name: 'selected-node set', from: 'podCreated', whose: 'scheduler' },
  podBound: { name: 'pod bound (nodeName)', from: 'selected', whose: 'scheduler' },
  handed: { name: 'storage-provisioner set', from: 'selected', whose: 'binder' },
  pvCreated: { name: 'PV created', from: 'handed', whose: 'provisioner' },
  pvBound: { name: 'PV Bound (claimRef + phase)', from: 'pvCreated', whose: 'binder' },
  volumeName: { name: 'claim volumeName set', from: 'pvBound', whose: 'binder' },
  bound: { name: 'claim Bound', from: 'volumeName', whose: 'binder' },
  podRunning: { name: 'pod Running', from: 'podBound', whose: 'node' },
} as const;
type Step = keyof typeof stepInfo;
const stepOrder = Object.keys(stepInfo) as Step[];

/** Follows a watch of newline-delimited JSON events, calling `onEvent` for each; resolves once opened. */
function watch(url: string, tls: TlsCredentials, onEvent: (type: string, object: Record<string, unknown>) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const req = send(url, { method: 'GET', headers: { accept: 'application/json' } }, { tls }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${url} answered ${res.statusCode}`));
        res.resume();
        return;
      }
      resolve(() => {
        closing = true;
        req.destroy();
      });
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (line.length === 0) continue;
          const event = JSON.parse(line) as { type: string; object: Record<string, unknown> };
          onEvent(event.type, event.object);
        }
      });
      res.on('end', () => {
        if (!closing) failure = `watch ${url} ended early`;
      });
    });
    req.on('error', (e) => {
      if (!closing) reject(e);
    });
    req.end();
  });
}

async function waitUntil(what: string, done: () => boolean, progress: () => void, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!done()) {
    if (failure) throw new Error(failure);
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not done within ${timeoutMs / 1000} s`);
    progress();
    await new Promise((r) => setTimeout(r, 50));
  }
  progress();
  return performance.now();
}

async function main(): Promise<void> {
  const progress = new Progress();
  const procs = new ChildProcesses();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-storage-'));
  const volumesDir = path.join(dataDir, 'local-volumes');
  const timeoutMs = Number(opts.timeout) * 1000;
  try {
    const cpuProfDir = opts['server-cpu-prof'] ? path.resolve(opts['server-cpu-prof']) : undefined;
    progress.note(`starting wharf up --nodes ${opts.nodes} --zones ${opts.zones} ...`);
    const { baseUrl: base, tls, port, pid } = await startWharfUpFromSources(procs, {
      root: serverRoot,
      dataDir,
      args: ['--nodes', opts.nodes!, '--zones', opts.zones!],
      cpuProfDir,
      onExit: (message) => (failure ??= message),
    });
    const agent: Agent = keepAliveAgent(Number(opts.concurrency), tls);

    // Volumes under the benchmark's temp dir (removed afterwards), not under the working directory.
    const config = JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: [volumesDir] }] });
    const cm = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces/kube-system/configmaps`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-path-config', namespace: 'kube-system' }, data: { 'config.json': config } }));
    if (cm.status !== 201) throw new Error(`local-path-config: ${cm.status} ${cm.body}`);

    // All nodes Ready and the default class made first, so the measurement is of provisioning and binding.
    const nodeCount = Number(opts.nodes);
    progress.start('nodes Ready', nodeCount);
    for (;;) {
      if (failure) throw new Error(failure);
      const r = await httpRequest({ agent }, 'GET', `${base}/api/v1/nodes`);
      const items = r.status === 200 ? (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items : [];
      const ready = items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      progress.update(ready);
      const sc = await httpRequest({ agent }, 'GET', `${base}/apis/storage.k8s.io/v1/storageclasses/local-path`);
      if (ready >= nodeCount && sc.status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const ns = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
    if (ns.status !== 201) throw new Error(`namespace: ${ns.status} ${ns.body}`);

    const bound = new Set<string>();
    const running = new Set<string>();
    // When the watches first showed each step of each claim (keyed by the claim's index): where the time goes.
    const steps = new Map<string, Partial<Record<Step, number>>>();
    const indexOf = (name: string) => name.slice(name.indexOf('-') + 1);
    const saw = (name: string, step: Step) => {
      const i = indexOf(name);
      const t = steps.get(i) ?? {};
      t[step] ??= performance.now();
      steps.set(i, t);
    };
    const closeClaims = await watch(`${base}/api/v1/namespaces/${namespace}/persistentvolumeclaims?watch=true`, tls, (type, o) => {
      const c = o as { metadata: { name: string; annotations?: Record<string, string> }; spec?: { volumeName?: string }; status?: { phase?: string } };
      if (type === 'ADDED') saw(c.metadata.name, 'created');
      if (c.metadata.annotations?.['volume.kubernetes.io/selected-node']) saw(c.metadata.name, 'selected');
      if (c.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']) saw(c.metadata.name, 'handed');
      if (c.spec?.volumeName) saw(c.metadata.name, 'volumeName');
      if (type !== 'DELETED' && c.status?.phase === 'Bound') {
        saw(c.metadata.name, 'bound');
        bound.add(c.metadata.name);
      } else bound.delete(c.metadata.name);
    });
    const closeVolumes = await watch(`${base}/api/v1/persistentvolumes?watch=true`, tls, (type, o) => {
      const v = o as { spec?: { claimRef?: { name?: string; namespace?: string; uid?: string } }; status?: { phase?: string } };
      const ref = v.spec?.claimRef;
      if (type === 'DELETED' || ref?.namespace !== namespace || !ref.name) return;
      saw(ref.name, 'pvCreated');
      if (ref.uid && v.status?.phase === 'Bound') saw(ref.name, 'pvBound');
    });
    const closePods = await watch(`${base}/api/v1/namespaces/${namespace}/pods?watch=true`, tls, (type, o) => {
      const p = o as { metadata: { name: string }; spec?: { nodeName?: string }; status?: { phase?: string } };
      if (type === 'ADDED') saw(p.metadata.name, 'podCreated');
      if (p.spec?.nodeName) saw(p.metadata.name, 'podBound');
      if (type !== 'DELETED' && p.status?.phase === 'Running') {
        saw(p.metadata.name, 'podRunning');
        running.add(p.metadata.name);
      } else running.delete(p.metadata.name);
    });

    // Probes, every 250 ms while the claims are worked on: the same small GET over a new TLS connection and
    // over one kept open, showing whether the server is slow to accept connections or to answer requests.
    const probeAgent = keepAliveAgent(1, tls);
    await httpRequest({ agent: probeAgent }, 'GET', `${base}/api/v1/namespaces/${namespace}`);
    const probes: { at: number; fresh: number; reused: number }[] = [];
    let probing = true;
    const probeLoop = (async () => {
      while (probing) {
        const at = performance.now();
        const url = `${base}/api/v1/namespaces/${namespace}`;
        const [fresh, reused] = await Promise.all([httpRequest({ tls }, 'GET', url), httpRequest({ agent: probeAgent }, 'GET', url)]);
        probes.push({ at, fresh: fresh.ms, reused: reused.ms });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    // Client connections open to the server, sampled every second (ss counts the TCP connections to its port).
    const connectionSamples: { at: number; n: number }[] = [];
    const countConnections = (): number | undefined => {
      try {
        return execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
      } catch {
        return undefined;
      }
    };
    const sampler = setInterval(() => {
      const n = countConnections();
      if (n !== undefined) connectionSamples.push({ at: performance.now(), n });
    }, 1000);

    // Each claim, then its pod, from the same client: the pod never waits on a claim that does not exist yet.
    progress.start('creating claims and pods', claims);
    const t0 = performance.now();
    const wallStart = Date.now();
    const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    const created = await runPool(0, claims, Number(opts.concurrency), async (i) => {
      const c = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces/${namespace}/persistentvolumeclaims`, claimBody(i));
      if (c.status !== 201) return `claim: ${c.status} ${c.body.slice(0, 200)}`;
      const p = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces/${namespace}/pods`, podBody(i));
      return p.status === 201 ? undefined : `pod: ${p.status} ${p.body.slice(0, 200)}`;
    }, (n) => progress.update(n));
    if (created.errors.length) throw new Error(`${created.errors.length} creates failed, e.g. ${created.errors[0]!.message}`);
    const createdAt = performance.now();
    // Both read from the watches at once; each figure is when its set was first complete.
    let boundAt: number | undefined;
    let runningAt: number | undefined;
    progress.start('claims Bound + pods Running', claims * 2);
    await waitUntil(
      'claims Bound and pods Running',
      () => {
        if (boundAt === undefined && bound.size >= claims) boundAt = performance.now();
        if (runningAt === undefined && running.size >= claims) runningAt = performance.now();
        return boundAt !== undefined && runningAt !== undefined;
      },
      () => progress.update(bound.size + running.size),
      timeoutMs,
    );
    const wallEnd = Date.now();
    probing = false;
    clearInterval(sampler);
    await probeLoop;
    probeAgent.destroy();
    closeClaims();
    closePods();
    closeVolumes();
    progress.stop();

    const volumeDirs = readdirSync(volumesDir).reduce((n, node) => n + readdirSync(path.join(volumesDir, node)).length, 0);
    const nodesUsed = readdirSync(volumesDir).length;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(1)}/s`;
    const [bAt, rAt] = [boundAt!, runningAt!];
    console.log(`\n${claims} claims (local-path, WaitForFirstConsumer) + ${claims} pods on ${opts.nodes} simulated nodes (${opts.zones} zones), ${opts.concurrency} clients; ${os.cpus().length} CPUs, Node ${process.version}; load average at start ${loadAtStart}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log(
      renderTable([
        ['phase', 'time from first request', 'rate'],
        ['create all claims and pods (API)', s(createdAt - t0), rate(claims * 2, createdAt - t0) + ' objects'],
        [`all ${claims} claims Bound`, s(bAt - t0), rate(claims, bAt - t0) + ' claims'],
        [`all ${claims} pods Running`, s(rAt - t0), rate(claims, rAt - t0) + ' pods'],
        [`all Bound and Running`, s(Math.max(bAt, rAt) - t0), ''],
      ]),
    );
    console.log(`\n${volumeDirs} volume directories on ${nodesUsed} nodes\n`);
    const quantiles = (d: number[]): string[] => {
      d.sort((x, y) => x - y);
      const q = (f: number) => s(d[Math.min(d.length - 1, Math.floor(f * d.length))]!);
      return [q(0.5), q(0.9), s(d[d.length - 1]!)];
    };
    const stepRows: string[][] = [['step of a claim (as the watches saw it)', 'whose', 'from', 'p50', 'p90', 'max', 'since claim created p50', 'p90', 'max', 'claims']];
    for (const step of stepOrder) {
      const { name, from, whose } = stepInfo[step];
      const all = [...steps.values()];
      const since = all.filter((t) => t.created !== undefined && t[step] !== undefined).map((t) => t[step]! - t.created!);
      if (since.length === 0) continue;
      const delta = from === undefined ? [] : all.filter((t) => t[from] !== undefined && t[step] !== undefined).map((t) => t[step]! - t[from]!);
      const d = delta.length ? quantiles(delta) : ['', '', ''];
      stepRows.push([name, whose, from ? stepInfo[from].name : '', ...d, ...quantiles(since), String(since.length)]);
    }
    console.log(renderTable(stepRows));
    if (opts.json) {
      const out = [...steps.entries()].map(([i, t]) => ({ claim: Number(i), ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v - t0)])) }));
      writeFileSync(opts.json, JSON.stringify({ claims: out.sort((a, b) => a.claim - b.claim) }, null, 1));
    }
    // Steps taken out of their expected order (a delta below zero) show which hand-off is not waited for.
    const early = stepOrder.filter((st) => {
      const f = stepInfo[st].from;
      return f !== undefined && [...steps.values()].some((t) => t[st] !== undefined && t[f] !== undefined && t[st]! < t[f]!);
    });
    if (early.length) console.log(`\nsteps seen before the step they are measured from, for some claims: ${early.map((st) => stepInfo[st].name).join(', ')}`);

    if (probes.length) {
      const t = (f: (p: { fresh: number; reused: number }) => number) => quantiles(probes.map(f));
      console.log(`\n${probes.length} probes (GET of the namespace, every 250 ms): new TLS connection p50 / p90 / max ${t((p) => p.fresh).join(' / ')}; kept-open connection ${t((p) => p.reused).join(' / ')}`);
      const slow = probes.filter((p) => p.fresh > 1000);
      if (slow.length) console.log(`new-connection probes over 1 s started at: ${slow.map((p) => `${s(p.at - t0)} (${s(p.fresh)})`).join(', ')}`);
    }

    if (connectionSamples.length) {
      console.log(`connections to the server (all clients, the benchmark's ${Number(opts.concurrency) + 4} among them), each second: ${connectionSamples.map((c) => c.n).join(' ')}`);
    }

    // The audit log is written within an event-loop turn of each request; a moment lets the last lines land.
    await new Promise((r) => setTimeout(r, 1000));
    const audit = summarizeAudit(dataDir, wallStart, wallEnd, namespace);
    const writes = audit.filter((r) => isWrite(r.verb));
    const total = writes.reduce((n, r) => n + r.count, 0);
    const perClaim = (n: number) => (n / claims).toFixed(2);
    console.log(`\nAPI requests from the first create until all were Bound and Running (audit log; namespace ${namespace} and cluster-scoped): ${total} writes, ${perClaim(total)} per claim`);
    const auditRows: string[][] = [['user', 'verb', 'resource', 'code', 'count', 'per claim']];
    for (const r of audit) if (isWrite(r.verb) || r.count >= claims / 10) auditRows.push([r.user, r.verb, r.resource, String(r.code), String(r.count), perClaim(r.count)]);
    console.log(renderTable(auditRows));
    const conflicts = writes.filter((r) => r.code === 409).reduce((n, r) => n + r.count, 0);
    console.log(`conflicts (409) among the writes: ${conflicts}`);
    if (cpuProfDir) {
      // The profile is written when the server exits.
      await procs.stop(pid);
      printCpuProfiles(cpuProfDir, serverRoot);
    }
  } finally {
    progress.stop();
    await procs.stopAll();
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dataDir}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
