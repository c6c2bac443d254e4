/**
 * The scheduler alone, no API: each workload of issue 4 on a fresh in-memory Scheduler. Nodes are added,
 * warm-up pods scheduled (not measured), then the measured pods are queued and scheduled; reported are
 * pods/s (total, and p50 of per-second samples) and the p50/p99 of one scheduling cycle.
 *
 *   node --import tsx bench/scheduler/in-memory.ts [--workload NAME] [--scale 0.2] [--no-explain] [--markdown]
 */
import { Command } from 'commander';
import { Scheduler } from '../../src/scheduler/index.js';
import { Progress } from '../lib/progress.js';
import { renderMarkdownTable, renderTable } from '../lib/report-table.js';
import { median, summarize } from '../lib/stats.js';
import { workloads, type Workload } from './workloads.js';

interface Result {
  name: string;
  nodes: number;
  measured: number;
  scheduled: number;
  podsPerSec: number;
  p50PerSecond: number;
  cycleP50: number;
  cycleP99: number;
  setupMs: number;
}

async function run(w: Workload, progress: Progress, explain: boolean): Promise<Result> {
  const s = new Scheduler({ explainCapacity: explain ? 1000 : 0 });
  for (const name of ['sched-0', 'sched-1']) s.setObject('Namespace', { metadata: { name } });
  const t0 = performance.now();
  for (let i = 0; i < w.nodes; i++) s.addNode(w.node(i));
  progress.start(`${w.name} warm-up`, w.warmupPods);
  for (let i = 0; i < w.warmupPods; i++) s.addPod(w.warmupPod(i));
  let done = 0;
  while (s.scheduleOne()) if (++done % 200 === 0) progress.update(done);
  await s.waitForBindings();
  progress.update(done);
  const setupMs = performance.now() - t0;

  progress.start(`${w.name} measured`, w.measuredPods);
  for (let i = 0; i < w.measuredPods; i++) s.addPod(w.measuredPod(i));
  const before = s.bindings.size;
  const cycles = new Float64Array(w.measuredPods);
  const perSecond: number[] = [];
  let n = 0;
  let windowStart = performance.now();
  let windowCount = 0;
  const start = windowStart;
  for (;;) {
    const a = performance.now();
    if (!s.scheduleOne()) break;
    const b = performance.now();
    if (n < cycles.length) cycles[n] = b - a;
    n++;
    windowCount++;
    if (b - windowStart >= 1000) {
      perSecond.push((windowCount * 1000) / (b - windowStart));
      windowStart = b;
      windowCount = 0;
    }
    if (n % 100 === 0) {
      progress.update(n);
      // Let binding promises settle now and then, as the event loop would between batches.
      await s.waitForBindings();
    }
  }
  await s.waitForBindings();
  const elapsed = performance.now() - start;
  progress.update(n);
  progress.stop();
  const scheduled = s.bindings.size - before;
  const lat = summarize(cycles.subarray(0, Math.min(n, cycles.length)));
  return {
    name: w.name,
    nodes: w.nodes,
    measured: w.measuredPods,
    scheduled,
    podsPerSec: (scheduled * 1000) / elapsed,
    p50PerSecond: perSecond.length ? median(perSecond) : (scheduled * 1000) / elapsed,
    cycleP50: lat.p50,
    cycleP99: lat.p99,
    setupMs,
  };
}

async function main(): Promise<void> {
  const cmd = new Command()
    .option('--workload <name>', 'run only this workload')
    .option('--scale <factor>', 'scale nodes and pods', '1')
    .option('--no-explain', 'turn explain recording off')
    .option('--markdown', 'print the table as Markdown')
    .parse(process.argv);
  const o = cmd.opts<{ workload?: string; scale: string; explain: boolean; markdown?: boolean }>();
  const list = workloads(Number(o.scale)).filter((w) => !o.workload || w.name === o.workload);
  if (list.length === 0) throw new Error(`no workload named ${o.workload}`);
  const progress = new Progress();
  const results: Result[] = [];
  for (const w of list) results.push(await run(w, progress, o.explain));
  progress.stop();
  const rows = [
    ['workload', 'nodes', 'measured pods', 'scheduled', 'pods/s', 'p50 of 1s samples', 'cycle p50 ms', 'cycle p99 ms', 'setup s'],
    ...results.map((r) => [
      r.name,
      String(r.nodes),
      String(r.measured),
      String(r.scheduled),
      r.podsPerSec.toFixed(0),
      r.p50PerSecond.toFixed(0),
      r.cycleP50.toFixed(3),
      r.cycleP99.toFixed(3),
      (r.setupMs / 1000).toFixed(1),
    ]),
  ];
  console.log(o.markdown ? renderMarkdownTable(rows) : renderTable(rows));
}

await main();
