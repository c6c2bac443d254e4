import type { CycleState } from './framework/cycle-state.js';
import { newDiagnosis, NO_NODES_AVAILABLE, type Diagnosis } from './framework/diagnosis.js';
import type { NodeScoreRecord } from './framework/explain.js';
import type { Framework, PluginScores } from './framework/framework.js';
import { Code, Status, unresolvable } from './framework/status.js';
import type { NodeInfo } from './snapshot/node-info.js';
import type { PodInfo } from './snapshot/pod-info.js';
import type { Snapshot } from './snapshot/snapshot.js';

/** Fewer nodes than this are always all filtered; and at least this many are looked for. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to find before scoring (upstream numFeasibleNodesToFind): all below 100 nodes;
 * otherwise `percentage` of them, where 0 means adaptive (50% minus 1% per 125 nodes, at least 5%), and
 * never fewer than 100.
 */
export function numFeasibleNodesToFind(percentage: number, numNodes: number): number {
  if (numNodes < MIN_FEASIBLE_NODES_TO_FIND) return numNodes;
  let pct = percentage;
  if (pct === 0) {
    pct = 50 - Math.trunc(numNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

export interface ScheduleOptions {
  /** The configuration-wide percentageOfNodesToScore (a profile's own value wins). */
  percentageOfNodesToScore: number;
  /** Filter every node (explain dry runs) instead of stopping at the feasible-node budget. */
  findAll?: boolean;
  /** Keep per-plugin scores of the best `topN` nodes. 0: none. */
  topN: number;
  random(): number;
}

export type ScheduleOutcome =
  | { kind: 'scheduled'; nodeName: string; evaluated: number; feasible: number; top: NodeScoreRecord[]; diagnosis: Diagnosis }
  | { kind: 'unschedulable'; diagnosis: Diagnosis; numAllNodes: number; evaluated: number; noNodes?: boolean }
  | { kind: 'error'; status: Status; evaluated: number };

/**
 * One pod's placement decision (upstream schedulePod): PreFilter, Filter over the nodes from a rotating
 * start until enough feasible ones are found, then PreScore, Score, NormalizeScore and weights, and the
 * highest total wins, ties broken at random.
 */
export class PodScheduler {
  /** Where the next Filter pass starts, so successive pods spread their partial scans over all nodes. */
  nextStartNodeIndex = 0;

  constructor(private readonly snapshot: Snapshot) {}

  schedule(fw: Framework, state: CycleState, pod: PodInfo, opts: ScheduleOptions): ScheduleOutcome {
    const all = this.snapshot.nodes();
    const diagnosis = newDiagnosis(all);
    if (all.length === 0) {
      diagnosis.preFilterMsg = NO_NODES_AVAILABLE;
      return { kind: 'unschedulable', diagnosis, numAllNodes: 0, evaluated: 0, noNodes: true };
    }
    const pre = fw.runPreFilterPlugins(state, pod);
    if (pre.status) {
      if (pre.status.code === Code.Error) return { kind: 'error', status: pre.status, evaluated: 0 };
      diagnosis.statuses.absent = pre.status;
      diagnosis.preFilterMsg = pre.status.message;
      this.blame(diagnosis, pre.status);
      return { kind: 'unschedulable', diagnosis, numAllNodes: all.length, evaluated: 0 };
    }
    let nodes = all;
    if (pre.nodeNames) {
      const narrowed: NodeInfo[] = [];
      for (const name of pre.nodeNames) {
        const ni = this.snapshot.node(name);
        if (ni) narrowed.push(ni);
      }
      nodes = narrowed;
      diagnosis.statuses.absent = unresolvable(`node(s) didn't satisfy plugin(s) [${[...pre.narrowedBy].sort().join(' ')}]`);
    }
    // A pod nominated by an earlier preemption tries its nominated node first.
    const nominated = pod.pod.status?.nominatedNodeName;
    let feasible: NodeInfo[] | undefined;
    let evaluated = 0;
    if (nominated && !opts.findAll) {
      const ni = this.snapshot.node(nominated);
      if (ni && (!pre.nodeNames || pre.nodeNames.has(nominated))) {
        const s = fw.runFilterPluginsWithNominatedPods(state, pod, ni);
        evaluated = 1;
        if (s === undefined) feasible = [ni];
        else if (s.code === Code.Error) return { kind: 'error', status: s, evaluated };
      }
    }
    if (!feasible) {
      const r = this.filter(fw, state, pod, nodes, diagnosis, opts);
      if (r instanceof Status) return { kind: 'error', status: r, evaluated: nodes.length };
      feasible = r.feasible;
      evaluated = r.evaluated;
    }
    if (feasible.length === 0) return { kind: 'unschedulable', diagnosis, numAllNodes: all.length, evaluated };
    if (feasible.length === 1 && opts.topN === 0) return { kind: 'scheduled', nodeName: feasible[0]!.name, evaluated, feasible: 1, top: [], diagnosis };

    const ps = fw.runPreScorePlugins(state, pod, feasible);
    if (ps) return { kind: 'error', status: ps, evaluated };
    const { totals, perPlugin, status } = fw.runScorePlugins(state, pod, feasible, opts.topN > 0);
    if (status) return { kind: 'error', status, evaluated };
    const chosen = selectHost(totals, opts.random);
    const top = opts.topN > 0 ? topRecords(feasible, totals, perPlugin, chosen, opts.topN) : [];
    return { kind: 'scheduled', nodeName: feasible[chosen]!.name, evaluated, feasible: feasible.length, top, diagnosis };
  }

  private filter(
    fw: Framework,
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    diagnosis: Diagnosis,
    opts: ScheduleOptions,
  ): { feasible: NodeInfo[]; evaluated: number } | Status {
    const n = nodes.length;
    if (n === 0) return { feasible: [], evaluated: 0 };
    const pct = fw.percentageOfNodesToScore ?? opts.percentageOfNodesToScore;
    const want = opts.findAll ? n : numFeasibleNodesToFind(pct, n);
    const feasible: NodeInfo[] = [];
    const start = this.nextStartNodeIndex % n;
    let processed = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[(start + i) % n]!;
      processed++;
      const s = fw.runFilterPluginsWithNominatedPods(state, pod, node);
      if (s === undefined) {
        feasible.push(node);
        if (feasible.length >= want) break;
        continue;
      }
      if (s.code === Code.Error) return s;
      diagnosis.statuses.set(node.name, s);
      this.blame(diagnosis, s);
    }
    this.nextStartNodeIndex = (start + processed) % n;
    return { feasible, evaluated: processed };
  }

  private blame(d: Diagnosis, s: Status): void {
    if (!s.plugin) return;
    if (s.code === Code.Pending) d.pendingPlugins.add(s.plugin);
    else if (s.rejected) d.unschedulablePlugins.add(s.plugin);
  }
}

/** The index of the highest total; ties broken uniformly at random by reservoir sampling. */
export function selectHost(totals: Float64Array, random: () => number): number {
  let best = 0;
  let max = -Infinity;
  let ties = 0;
  for (let i = 0; i < totals.length; i++) {
    const t = totals[i]!;
    if (t > max) {
      max = t;
      best = i;
      ties = 1;
    } else if (t === max) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = i;
    }
  }
  return best;
}

function topRecords(nodes: readonly NodeInfo[], totals: Float64Array, perPlugin: readonly PluginScores[], chosen: number, topN: number): NodeScoreRecord[] {
  // The chosen node first, then the best others: a partial selection, as only a few are kept.
  const picked = [chosen];
  for (let i = 0; i < totals.length && topN > 1; i++) {
    if (i === chosen) continue;
    if (picked.length < topN) {
      picked.push(i);
    } else if (totals[i]! > totals[picked[picked.length - 1]!]!) {
      picked[picked.length - 1] = i;
    } else continue;
    for (let j = picked.length - 1; j > 1 && totals[picked[j]!]! > totals[picked[j - 1]!]!; j--) {
      const t = picked[j]!;
      picked[j] = picked[j - 1]!;
      picked[j - 1] = t;
    }
  }
  return picked.map((i) => ({
    node: nodes[i]!.name,
    total: totals[i]!,
    plugins: perPlugin.map((p) => ({
      plugin: p.plugin,
      raw: p.raw[i]!,
      normalized: p.normalized[i]!,
      weight: p.weight,
      weighted: p.normalized[i]! * p.weight,
    })),
  }));
}
