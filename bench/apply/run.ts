/**
 * managedFields tracking on its own: `trackUpdate` (what the API server runs on every create, update and
 * patch) over realistic objects, in process, without HTTP or storage. Each case is timed in rounds of
 * `--iterations` calls after a warm-up; the rounds of all cases (and of the baseline, when given) are
 * interleaved so a busy spell of the shared machine hits every case alike, and each figure is the median
 * of its rounds in µs per call.
 *
 * `--baseline REV` also measures the apply code of that git revision (its src/apiserver/apply/ is
 * extracted into a temp dir whose `src/api` links to this tree's, so both use the same schemas), checks
 * that both produce the same managedFields for every case, and prints the speed-up.
 *
 * Run from the repository root: `node --import tsx bench/apply/run.ts [--baseline d45c0d4]
 * [--iterations 2000] [--rounds 7] [--warmup 1000] [--only TEXT] [--json FILE] [--markdown]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/object.js';
import type { SchemaNode } from '../../src/api/schema.js';
import type { ResourceDefinition } from '../../src/api/resource.js';
import { schemaOf } from '../../src/apiserver/resource-handler.js';
import { Progress } from '../lib/progress.js';
import { median } from '../lib/stats.js';
import { renderMarkdownTable, renderTable } from '../lib/report-table.js';
import * as objects from './objects.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values: opts } = parseArgs({
  options: {
    baseline: { type: 'string' },
    iterations: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '1000' },
    json: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    /** Only the cases whose name contains this text. */
    only: { type: 'string' },
  },
});
const iterations = Number(opts.iterations);
const rounds = Number(opts.rounds);
const warmup = Number(opts.warmup);

interface TrackOptions {
  manager: string;
  apiVersion: string;
  now: string;
  subresource?: string;
  schema: SchemaNode | undefined;
}
type TrackUpdate = (old: KubeObject | undefined, updated: KubeObject, opts: TrackOptions) => void;

interface Impl {
  name: string;
  trackUpdate: TrackUpdate;
}

/**
 * One benchmark case, built per implementation: the stored object (if any) and the request. `fresh`
 * stores the old object as JSON, parsed anew for every call: an object the API server read from
 * storage or wrote without tracking (pods/binding), whose entries no earlier write decoded.
 */
interface Case {
  name: string;
  build(track: TrackUpdate): { old: KubeObject | undefined; request: string; opts: TrackOptions; fresh?: boolean };
}

const schemas = new Map<ResourceDefinition, SchemaNode | undefined>();
function optsFor(def: ResourceDefinition, manager: string, now: string, subresource?: string): TrackOptions {
  if (!schemas.has(def)) schemas.set(def, schemaOf(def));
  const o: TrackOptions = { manager, apiVersion: def.group ? `${def.group}/${def.version}` : def.version, now, schema: schemas.get(def) };
  if (subresource) o.subresource = subresource;
  return o;
}

/** Runs one tracked write the way the API server does: the request is a fresh parse of the stored JSON, patched. */
function write(track: TrackUpdate, old: KubeObject | undefined, next: KubeObject, o: TrackOptions): KubeObject {
  track(old, next, o);
  return next;
}

const T = (m: number): string => `2026-01-01T00:${String(m).padStart(2, '0')}:00Z`;
const { pod, deployment, event, configMap } = objects.definitions;

function createdPod(track: TrackUpdate): KubeObject {
  return write(track, undefined, objects.replicaSetPod(), optsFor(pod, 'kube-controller-manager', T(0)));
}
function runningPod(track: TrackUpdate): KubeObject {
  const b = objects.bound(createdPod(track));
  return write(track, b, objects.firstPodStatus(b), optsFor(pod, 'kubelet', T(1), 'status'));
}

const cases: Case[] = [
  { name: 'pod create (ReplicaSet)', build: () => ({ old: undefined, request: JSON.stringify(objects.replicaSetPod()), opts: optsFor(pod, 'kube-controller-manager', T(0)) }) },
  {
    name: 'pods/status first (kubelet)',
    build: (track) => {
      // After pods/binding, which writes without tracking: the stored entries are a fresh parse.
      const old = objects.bound(createdPod(track));
      return { old, request: JSON.stringify(objects.firstPodStatus(old)), opts: optsFor(pod, 'kubelet', T(1), 'status'), fresh: true };
    },
  },
  {
    name: 'pods/status second (kubelet)',
    build: (track) => {
      const old = runningPod(track);
      return { old, request: JSON.stringify(objects.secondPodStatus(old)), opts: optsFor(pod, 'kubelet', T(10), 'status') };
    },
  },
  {
    name: 'deployments/status',
    build: (track) => {
      const created = write(track, undefined, objects.deploymentObject(), optsFor(deployment, 'kubectl-client-side-apply', T(0)));
      const old = write(track, created, objects.deploymentStatusUpdate(created), optsFor(deployment, 'kube-controller-manager', T(5), 'status'));
      const next = objects.deploymentStatusUpdate(old);
      (next.status as Record<string, unknown>).readyReplicas = 3;
      return { old, request: JSON.stringify(next), opts: optsFor(deployment, 'kube-controller-manager', T(10), 'status') };
    },
  },
  { name: 'event create', build: () => ({ old: undefined, request: JSON.stringify(objects.eventObject()), opts: optsFor(event, 'kubelet', T(0)) }) },
  { name: 'configmap create (50 keys)', build: () => ({ old: undefined, request: JSON.stringify(objects.configMapObject()), opts: optsFor(configMap, 'kubectl-create', T(0)) }) },
];

/** Extracts src/apiserver/apply/ of `rev` into a temp tree that borrows this tree's src/api. */
async function loadBaseline(rev: string): Promise<{ impl: Impl; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wharf-apply-baseline-'));
  const tar = execFileSync('git', ['-C', root, 'archive', rev, 'src/apiserver/apply'], { maxBuffer: 64 << 20 });
  writeFileSync(path.join(dir, 'apply.tar'), tar);
  execFileSync('tar', ['-x', '-f', 'apply.tar'], { cwd: dir });
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  symlinkSync(path.join(root, 'src/api'), path.join(dir, 'src/api'));
  const mod = (await import(pathToFileURL(path.join(dir, 'src/apiserver/apply/track-update.ts')).href)) as { trackUpdate: TrackUpdate };
  return { impl: { name: `baseline ${rev}`, trackUpdate: mod.trackUpdate }, dir };
}

interface Prepared {
  impl: Impl;
  c: Case;
  old: KubeObject | undefined;
  fresh?: boolean;
  request: string;
  opts: TrackOptions;
  samples: number[];
  output: string;
}

/** Times `n` calls; the requests are parsed beforehand, outside the timed loop. */
function timeCalls(p: Prepared, n: number): number {
  const batch = 250;
  let ns = 0n;
  for (let done = 0; done < n; done += batch) {
    const k = Math.min(batch, n - done);
    const inputs: KubeObject[] = [];
    const olds: Array<KubeObject | undefined> = [];
    const oldJson = p.fresh ? JSON.stringify(p.old) : undefined;
    for (let i = 0; i < k; i++) {
      inputs.push(JSON.parse(p.request) as KubeObject);
      olds.push(oldJson ? (JSON.parse(oldJson) as KubeObject) : p.old);
    }
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < k; i++) p.impl.trackUpdate(olds[i], inputs[i]!, p.opts);
    ns += process.hrtime.bigint() - t0;
    if (done === 0) p.output = JSON.stringify(inputs[0]!.metadata.managedFields);
  }
  return Number(ns) / 1000 / n;
}

async function main(): Promise<void> {
  const current = (await import('../../src/apiserver/apply/track-update.js')) as { trackUpdate: TrackUpdate };
  const impls: Impl[] = [{ name: 'current', trackUpdate: current.trackUpdate }];
  let baselineDir: string | undefined;
  if (opts.baseline) {
    const b = await loadBaseline(opts.baseline);
    impls.unshift(b.impl);
    baselineDir = b.dir;
  }
  try {
    const prepared: Prepared[] = [];
    const selected = cases.filter((c) => !opts.only || c.name.includes(opts.only));
    for (const c of selected) for (const impl of impls) prepared.push({ impl, c, ...c.build(impl.trackUpdate), samples: [], output: '' });
    const progress = new Progress();
    progress.start('warm-up', prepared.length);
    prepared.forEach((p, i) => {
      timeCalls(p, warmup);
      progress.update(i + 1);
    });
    progress.start(`${rounds} rounds x ${iterations}`, rounds * prepared.length);
    let step = 0;
    for (let r = 0; r < rounds; r++) {
      // Alternate the order of the implementations every round, so neither always runs first.
      const order = r % 2 === 0 ? prepared : [...prepared].reverse();
      for (const p of order) {
        p.samples.push(timeCalls(p, iterations));
        progress.update(++step);
      }
    }
    progress.stop();

    const header = ['case', ...impls.map((i) => `${i.name} µs/op`), ...(impls.length > 1 ? ['speed-up', 'same output'] : []), 'managedFields bytes'];
    const rows: string[][] = [header];
    const results: Record<string, Record<string, number[]>> = {};
    for (const c of selected) {
      const ps = prepared.filter((p) => p.c === c);
      const medians = ps.map((p) => median(p.samples));
      results[c.name] = Object.fromEntries(ps.map((p) => [p.impl.name, p.samples]));
      const row = [c.name, ...medians.map((m) => m.toFixed(1))];
      if (ps.length > 1) row.push(`${(medians[0]! / medians[1]!).toFixed(1)}x`, ps.every((p) => p.output === ps[0]!.output) ? 'yes' : 'NO');
      row.push(String(ps[ps.length - 1]!.output.length));
      rows.push(row);
    }
    console.log(opts.markdown ? renderMarkdownTable(rows) : renderTable(rows));
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ iterations, rounds, warmup, results }, null, 2));
    if (impls.length > 1 && rows.some((r) => r.includes('NO'))) process.exitCode = 1;
  } finally {
    if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  }
}

await main();
