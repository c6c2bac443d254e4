/**
 * Storage at scale: `wharf up --nodes 100 --zones 3` (API server, scheduler, controllers with the
 * persistent volume binder and the built-in local-path provisioner, simulated fleet; TLS and RBAC as by
 * default) gets `--claims` PersistentVolumeClaims of the default `local-path` class (WaitForFirstConsumer)
 * and one pod per claim, all created at once through the API by `--concurrency` closed-loop clients.
 * Measured from the first create: the time until every claim is Bound (the scheduler picked a node, the
 * provisioner made a directory and a PV there, the binder bound them) and until every pod is Running.
 * Progress is read from two watches (claims and pods in the benchmark's namespace), not by polling.
 *
 * Run from the repository root: `node --import tsx bench/storage/run.ts [--claims 1000] [--nodes 100]
 * [--zones 3] [--concurrency 32] [--timeout 600]`. The server runs the TypeScript sources under tsx.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
import { summarizeCpuProfile } from '../lib/cpu-profile-summary.js';
import { runPool } from '../lib/run-pool.js';
import { kubeconfigCredentials } from '../lib/wharf-server.js';

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
  },
});

const claims = Number(opts.claims);
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

type Step = 'created' | 'selected' | 'handed' | 'pvCreated' | 'volumeName' | 'bound';
const stepOrder: Step[] = ['created', 'selected', 'handed', 'pvCreated', 'volumeName', 'bound'];
const stepNames: Record<Step, string> = {
  created: 'created',
  selected: 'selected-node (scheduler)',
  handed: 'storage-provisioner (binder)',
  pvCreated: 'PV created (provisioner)',
  volumeName: 'volumeName (binder)',
  bound: 'Bound (binder)',
};

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
    const args = [...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []), '--import', 'tsx', path.join(root, 'src', 'cli', 'main.ts'), 'up', '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--nodes', opts.nodes!, '--zones', opts.zones!];
    progress.note(`starting wharf up --nodes ${opts.nodes} --zones ${opts.zones} ...`);
    const child = procs.spawn(process.execPath, args, { cwd: root });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-16_000)));
    child.once('exit', (code, signal) => (failure ??= `wharf up exited (code ${code}, signal ${signal}): ${stderr.trim()}`));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      setTimeout(() => reject(new Error(`wharf up did not start: ${stderr}`)), 60_000).unref();
    });
    child.stdout!.resume();
    const base = `https://127.0.0.1:${port}`;
    const tls = kubeconfigCredentials(path.join(dataDir, 'kubeconfig'));
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
    // When the watch first showed each step of each claim: where the time goes.
    const steps = new Map<string, Partial<Record<Step, number>>>();
    const saw = (name: string, step: Step) => {
      const t = steps.get(name) ?? {};
      t[step] ??= performance.now();
      steps.set(name, t);
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
      const v = o as { spec?: { claimRef?: { name?: string; namespace?: string } } };
      if (type === 'ADDED' && v.spec?.claimRef?.namespace === namespace && v.spec.claimRef.name) saw(v.spec.claimRef.name, 'pvCreated');
    });
    const closePods = await watch(`${base}/api/v1/namespaces/${namespace}/pods?watch=true`, tls, (type, o) => {
      const p = o as { metadata: { name: string }; status?: { phase?: string } };
      if (type !== 'DELETED' && p.status?.phase === 'Running') running.add(p.metadata.name);
      else running.delete(p.metadata.name);
    });

    // Each claim, then its pod, from the same client: the pod never waits on a claim that does not exist yet.
    progress.start('creating claims and pods', claims);
    const t0 = performance.now();
    const created = await runPool(0, claims, Number(opts.concurrency), async (i) => {
      const c = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces/${namespace}/persistentvolumeclaims`, claimBody(i));
      if (c.status !== 201) return `claim: ${c.status} ${c.body.slice(0, 200)}`;
      const p = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces/${namespace}/pods`, podBody(i));
      return p.status === 201 ? undefined : `pod: ${p.status} ${p.body.slice(0, 200)}`;
    }, (n) => progress.update(n));
    if (created.errors.length) throw new Error(`${created.errors.length} creates failed, e.g. ${created.errors[0]!.message}`);
    const createdAt = performance.now();
    progress.start('claims Bound', claims);
    const boundAt = await waitUntil('claims Bound', () => bound.size >= claims, () => progress.update(bound.size), timeoutMs);
    progress.start('pods Running', claims);
    const runningAt = await waitUntil('pods Running', () => running.size >= claims, () => progress.update(running.size), timeoutMs);
    closeClaims();
    closePods();
    closeVolumes();
    progress.stop();

    const volumeDirs = readdirSync(volumesDir).reduce((n, node) => n + readdirSync(path.join(volumesDir, node)).length, 0);
    const nodesUsed = readdirSync(volumesDir).length;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(1)}/s`;
    console.log(`\n${claims} claims (local-path, WaitForFirstConsumer) + ${claims} pods on ${opts.nodes} simulated nodes (${opts.zones} zones), ${opts.concurrency} clients; ${os.cpus().length} CPUs, Node ${process.version}\n`);
    console.log(
      renderTable([
        ['phase', 'time from first request', 'rate'],
        ['create all claims and pods (API)', s(createdAt - t0), rate(claims * 2, createdAt - t0) + ' objects'],
        [`all ${claims} claims Bound`, s(boundAt - t0), rate(claims, boundAt - t0) + ' claims'],
        [`all ${claims} pods Running`, s(runningAt - t0), rate(claims, runningAt - t0) + ' pods'],
      ]),
    );
    console.log(`\n${volumeDirs} volume directories on ${nodesUsed} nodes\n`);
    const stepRows: string[][] = [['step of a claim (as the watch saw it)', 'p50', 'p90', 'max']];
    for (let i = 1; i < stepOrder.length; i++) {
      const [from, to] = [stepOrder[i - 1]!, stepOrder[i]!];
      const d = [...steps.values()].filter((t) => t[from] !== undefined && t[to] !== undefined).map((t) => t[to]! - t[from]!).sort((a, b) => a - b);
      if (d.length === 0) continue;
      const q = (f: number) => s(d[Math.min(d.length - 1, Math.floor(f * d.length))]!);
      stepRows.push([`${stepNames[from]} -> ${stepNames[to]}`, q(0.5), q(0.9), s(d[d.length - 1]!)]);
    }
    console.log(renderTable(stepRows));
    if (cpuProfDir) {
      // The profile is written when the server exits.
      await procs.stop(child.pid!);
      // One profile per thread (the API server's, the components', tsx's loader): each is summarised.
      const files = readdirSync(cpuProfDir).filter((f) => f.endsWith('.cpuprofile')).sort();
      if (files.length === 0) console.log(`\nno .cpuprofile written in ${cpuProfDir}`);
      for (const file of files) {
        const summary = summarizeCpuProfile(path.join(cpuProfDir, file), root);
        console.log(`\n${file} (${(summary.totalMs / 1000).toFixed(1)} s sampled), self time by file:`);
        for (const f of summary.byFile.slice(0, 15)) console.log(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${f.file}`);
        console.log('top frames by inclusive time:');
        for (const f of [...summary.frames].sort((a, b) => b.totalPct - a.totalPct).slice(0, 25)) console.log(`  ${f.totalPct.toFixed(1).padStart(5)}% total ${f.selfPct.toFixed(1).padStart(5)}% self  ${f.frame}`);
      }
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
