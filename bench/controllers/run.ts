/**
 * Controllers at scale: `wharf up --nodes 500 --zones 3` (API server, scheduler, controllers and the simulated
 * fleet in one process, TLS and RBAC as by default) gets `--deployments` Deployments of `--replicas` pods each,
 * created at once through the API by `--concurrency` closed-loop clients. Measured from the first create:
 * the time until every pod is Running and the time until every Deployment has finished rolling out (what
 * `kubectl rollout status` waits for: observedGeneration caught up, updated = available = replicas, no old
 * pods left, condition Available=True). Then every Deployment gets a changed env var at once, and the time
 * until every one of those rollouts completes. Progress is read from two watches (deployments and pods in
 * the benchmark's namespace), not by polling.
 *
 * Run from the repository root: `node --import tsx bench/controllers/run.ts [--deployments 1000]
 * [--replicas 10] [--nodes 500] [--zones 3] [--concurrency 32] [--timeout 600] [--server-cpu-prof DIR]`. The
 * server runs the TypeScript sources under tsx (no build needed). After the first phase the audit log tells
 * the API writes each component made per pod.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isWrite, summarizeAudit } from '../lib/audit-summary.js';
import { ChildProcesses } from '../lib/child-processes.js';
import { printCpuProfiles } from '../lib/cpu-profile-report.js';
import { httpRequest, keepAliveAgent, send, type TlsCredentials } from '../lib/http-client.js';
import { Progress } from '../lib/progress.js';
import { renderTable } from '../lib/report-table.js';
import { runPool } from '../lib/run-pool.js';
import { streamLines } from '../lib/watch-stream.js';
import { startWharfUpFromSources } from '../lib/wharf-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values: opts } = parseArgs({
  options: {
    deployments: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '10' },
    nodes: { type: 'string', default: '500' },
    zones: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    /** Seconds each phase may take before the benchmark gives up. */
    timeout: { type: 'string', default: '600' },
    keep: { type: 'boolean', default: false },
    /** Run the server under `node --cpu-prof` into this directory and print where each thread's time went. */
    'server-cpu-prof': { type: 'string' },
    /** More `wharf up` flags, space-separated: `--wharf-args="--node-startup-delay 0s --concurrent-replicaset-syncs 25"`. */
    'wharf-args': { type: 'string', default: '' },
  },
});

const deployments = Number(opts.deployments);
const replicas = Number(opts.replicas);
const namespace = 'bench';

interface DeploymentState {
  generation: number;
  done: boolean;
}

/** A Deployment's whole rollout is over, as `kubectl rollout status` judges it, plus Available=True. */
function rolledOut(d: { metadata: { generation?: number }; spec: { replicas?: number }; status?: Record<string, unknown> }): boolean {
  const s = d.status ?? {};
  const want = d.spec.replicas ?? 1;
  const conditions = (s.conditions as { type: string; status: string }[] | undefined) ?? [];
  return (
    Number(s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want &&
    conditions.some((c) => c.type === 'Available' && c.status === 'True')
  );
}

function deploymentBody(i: number, value: string): string {
  const name = `d-${i}`;
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'nginx:1.27', env: [{ name: 'VERSION', value }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        },
      },
    },
  });
}

/** Follows a watch of newline-delimited JSON events, calling `onEvent` for each; resolves once opened. */
async function watch(url: string, tls: TlsCredentials, onEvent: (type: string, object: Record<string, unknown>) => void): Promise<() => void> {
  const lines = streamLines(
    url,
    { tls },
    (line) => {
      const event = JSON.parse(line) as { type: string; object: Record<string, unknown> };
      onEvent(event.type, event.object);
    },
    (message) => {
      failure ??= `watch ${url}: ${message}`;
    },
  );
  await lines.opened;
  return lines.close;
}

let failure: string | undefined;

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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-controllers-'));
  const timeoutMs = Number(opts.timeout) * 1000;
  try {
    const upArgs = ['--nodes', opts.nodes!, '--zones', opts.zones!, ...opts['wharf-args']!.split(' ').filter((a) => a !== '')];
    progress.note(`starting wharf up ${upArgs.join(' ')} ...`);
    const cpuProfDir = opts['server-cpu-prof'] ? path.resolve(opts['server-cpu-prof']) : undefined;
    const { baseUrl: base, tls, pid } = await startWharfUpFromSources(procs, {
      root,
      dataDir,
      cpuProfDir,
      args: upArgs,
      onExit: (message) => (failure ??= message),
    });
    const agent: Agent = keepAliveAgent(Number(opts.concurrency), tls);

    // All nodes Ready first, so the measurement is of the controllers and scheduler, not of node startup.
    const nodeCount = Number(opts.nodes);
    progress.start('nodes Ready', nodeCount);
    for (;;) {
      if (failure) throw new Error(failure);
      const r = await httpRequest({ agent }, 'GET', `${base}/api/v1/nodes`);
      const items = r.status === 200 ? (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items : [];
      const ready = items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      progress.update(ready);
      if (ready >= nodeCount) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const ns = await httpRequest({ agent }, 'POST', `${base}/api/v1/namespaces`, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
    if (ns.status !== 201) throw new Error(`namespace: ${ns.status} ${ns.body}`);

    // Watches from "now": every event after the namespace exists.
    const state = new Map<string, DeploymentState>();
    let doneCount = 0;
    const running = new Set<string>();
    const closeDeployments = await watch(`${base}/apis/apps/v1/namespaces/${namespace}/deployments?watch=true`, tls, (type, o) => {
      const d = o as unknown as Parameters<typeof rolledOut>[0] & { metadata: { name: string; generation?: number } };
      const prev = state.get(d.metadata.name);
      const done = type !== 'DELETED' && rolledOut(d);
      if (prev?.done) doneCount--;
      if (done) doneCount++;
      state.set(d.metadata.name, { generation: d.metadata.generation ?? 0, done });
    });
    const closePods = await watch(`${base}/api/v1/namespaces/${namespace}/pods?watch=true`, tls, (type, o) => {
      const p = o as { metadata: { name: string }; status?: { phase?: string } };
      if (type !== 'DELETED' && p.status?.phase === 'Running') running.add(p.metadata.name);
      else running.delete(p.metadata.name);
    });

    // Phase 1: create everything at once.
    const pods = deployments * replicas;
    progress.start('creating Deployments', deployments);
    const t0 = performance.now();
    const wallStart = Date.now();
    const created = await runPool(0, deployments, Number(opts.concurrency), async (i) => {
      const r = await httpRequest({ agent }, 'POST', `${base}/apis/apps/v1/namespaces/${namespace}/deployments`, deploymentBody(i, 'v1'));
      return r.status === 201 ? undefined : `${r.status} ${r.body.slice(0, 200)}`;
    }, (n) => progress.update(n));
    if (created.errors.length) throw new Error(`${created.errors.length} creates failed, e.g. ${created.errors[0]!.message}`);
    const createdAt = performance.now();
    progress.start('pods Running', pods);
    const allRunningAt = await waitUntil('pods Running', () => running.size >= pods, () => progress.update(running.size), timeoutMs);
    progress.start('Deployments available', deployments);
    const allAvailableAt = await waitUntil('Deployments available', () => doneCount >= deployments, () => progress.update(doneCount), timeoutMs);
    const wallAvailable = Date.now();

    // Phase 2: a rolling update of every Deployment (a new env value changes the pod template).
    progress.start('updating Deployments', deployments);
    const t1 = performance.now();
    const patched = await runPool(0, deployments, Number(opts.concurrency), async (i) => {
      const patch = JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/env/0/value', value: 'v2' }]);
      const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = send(`${base}/apis/apps/v1/namespaces/${namespace}/deployments/d-${i}`, { method: 'PATCH', headers: { 'content-type': 'application/json-patch+json', accept: 'application/json' } }, { agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(patch);
      });
      if (r.status !== 200) return `${r.status} ${r.body.slice(0, 200)}`;
      // Not done until the watch shows the new generation rolled out (the PATCH answer may race the watch).
      const generation = (JSON.parse(r.body) as { metadata: { generation: number } }).metadata.generation;
      const s = state.get(`d-${i}`);
      if (s && s.generation < generation && s.done) {
        s.done = false;
        s.generation = generation;
        doneCount--;
      }
      return undefined;
    }, (n) => progress.update(n));
    if (patched.errors.length) throw new Error(`${patched.errors.length} updates failed, e.g. ${patched.errors[0]!.message}`);
    const patchedAt = performance.now();
    progress.start('rollouts complete', deployments);
    const rolledAt = await waitUntil('rollouts complete', () => doneCount >= deployments && [...state.values()].every((s) => s.generation >= 2), () => progress.update(doneCount), timeoutMs);
    closeDeployments();
    closePods();
    progress.stop();

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(1)}/s`;
    console.log(`\n${deployments} Deployments x ${replicas} replicas on wharf up ${upArgs.join(' ')}, ${opts.concurrency} clients; ${os.cpus().length} CPUs, Node ${process.version}\n`);
    console.log(
      renderTable([
        ['phase', 'time from first request', 'rate'],
        ['create all Deployments (API)', s(createdAt - t0), rate(deployments, createdAt - t0)],
        [`all ${pods} pods Running`, s(allRunningAt - t0), rate(pods, allRunningAt - t0) + ' pods'],
        ['every Deployment rolled out (Available)', s(allAvailableAt - t0), rate(deployments, allAvailableAt - t0)],
        ['update all Deployments (API)', s(patchedAt - t1), rate(deployments, patchedAt - t1)],
        ['every rolling update complete', s(rolledAt - t1), rate(deployments, rolledAt - t1)],
      ]),
    );
    const audit = summarizeAudit(dataDir, wallStart, wallAvailable, namespace).filter((r) => isWrite(r.verb));
    const perPod = (n: number) => (n / pods).toFixed(2);
    const total = audit.reduce((n, r) => n + r.count, 0);
    console.log(`\nAPI writes until every Deployment was Available (audit log; namespace ${namespace} and cluster-scoped): ${total}, ${perPod(total)} per pod`);
    console.log(renderTable([['user', 'verb', 'resource', 'code', 'count', 'per pod'], ...audit.map((r) => [r.user, r.verb, r.resource, String(r.code), String(r.count), perPod(r.count)])]));
    if (cpuProfDir) {
      // The profile is written when the server exits.
      await procs.stop(pid);
      printCpuProfiles(cpuProfDir, root);
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
