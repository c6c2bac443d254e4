import type { CycleState } from '../../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../../framework/events.js';
import type {
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  PreFilterExtensions,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/interfaces.js';
import { Code, Status, skip, unresolvable, unschedulable } from '../../framework/status.js';
import type { NodeInfo } from '../../snapshot/node-info.js';
import type { PodCounter } from '../../snapshot/pod-counter.js';
import type { PodInfo } from '../../snapshot/pod-info.js';
import type { CounterHint } from '../../snapshot/snapshot.js';
import type { LabelSelector } from '../../../api/selectors/label-selector.js';
import { requiredNodeAffinity, type RequiredNodeAffinity } from '../../util/node-affinity.js';
import { findUntoleratedTaint } from '../../util/taints.js';
import {
  defaultConstraints,
  hasAllKeys,
  podConstraints,
  systemDefaultConstraints,
  type Constraint,
  type DefaultConstraint,
} from './constraints.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, FilterState, type DomainCounts } from './filter.js';
import { HOSTNAME, ScoreState, topologyNormalizingWeight } from './score.js';

export { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH };

export interface PodTopologySpreadArgs {
  defaultConstraints?: DefaultConstraint[];
  /** System (default): upstream's built-in defaults; List: `defaultConstraints`. */
  defaultingType?: 'System' | 'List';
}

const FILTER_KEY = 'PreFilterPodTopologySpread';
const SCORE_KEY = 'PreScorePodTopologySpread';

/**
 * Topology spread constraints: DoNotSchedule ones filter (skew = pods in the node's domain + self - the
 * global minimum must stay within maxSkew; minDomains; node inclusion policies), ScheduleAnyway ones (or
 * the default constraints for workload pods) score. Domain counts come from the snapshot's counters.
 */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'PodTopologySpread';
  private readonly defaults: readonly DefaultConstraint[];
  private readonly systemDefaulted: boolean;
  private readonly rejectLabel = unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
  private readonly rejectSkew = unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);

  constructor(
    args: PodTopologySpreadArgs,
    private readonly handle: Handle,
  ) {
    const type = args.defaultingType ?? 'System';
    if (type !== 'System' && type !== 'List') throw new Error(`defaultingType: Unsupported value: "${type}": supported values: "System", "List"`);
    if (type === 'System' && args.defaultConstraints?.length) {
      throw new Error('defaultConstraints: Invalid value: when .defaultingType is "System", .defaultConstraints must be empty');
    }
    args.defaultConstraints?.forEach((c, i) => {
      if (!(c.maxSkew > 0)) throw new Error(`defaultConstraints[${i}].maxSkew: Invalid value: ${c.maxSkew}: must be greater than zero`);
      if (!c.topologyKey) throw new Error(`defaultConstraints[${i}].topologyKey: Required value: can not be empty`);
      if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
        throw new Error(`defaultConstraints[${i}].whenUnsatisfiable: Unsupported value: "${c.whenUnsatisfiable}"`);
      }
    });
    this.systemDefaulted = type === 'System';
    this.defaults = this.systemDefaulted ? systemDefaultConstraints : (args.defaultConstraints ?? []);
  }

  private constraints(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
    if ((pod.pod.spec?.topologySpreadConstraints?.length ?? 0) > 0) return podConstraints(pod, action);
    return defaultConstraints(pod, this.defaults, action, this.handle.objects);
  }

  private counter(pod: PodInfo, c: Constraint): PodCounter {
    const ns = pod.namespace;
    const sel = c.selector;
    return this.handle.snapshot.counter(c.counterKey, (p) => p.namespace === ns && !p.terminating && sel.matches(p.labels), requiredLabelHint(ns, sel));
  }

  /** Whether a node counts for constraint `c` given the node inclusion policies. */
  private included(c: Constraint, pod: PodInfo, node: NodeInfo, required: RequiredNodeAffinity): boolean {
    if (c.nodeAffinityPolicy === 'Honor' && !required.matches(node)) return false;
    if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, pod.tolerations)) return false;
    return true;
  }

  /** True when no node needs individual checks: every node counts and carries every key. */
  private uniform(constraints: readonly Constraint[], required: RequiredNodeAffinity, requireAllKeys: boolean): boolean {
    const snap = this.handle.snapshot;
    for (const c of constraints) {
      if (c.nodeTaintsPolicy === 'Honor') return false;
      if (c.nodeAffinityPolicy === 'Honor' && required.constrains) return false;
      if (requireAllKeys && snap.labelIndex.nodesWithKey(c.topologyKey) !== snap.numNodes) return false;
    }
    return true;
  }

  preFilter(state: CycleState, pod: PodInfo): Status | undefined {
    let constraints: Constraint[];
    try {
      constraints = this.constraints(pod, 'DoNotSchedule');
    } catch (e) {
      return new Status(Code.Error, [(e as Error).message]);
    }
    if (constraints.length === 0) return skip;
    const snap = this.handle.snapshot;
    const nodes = snap.nodes();
    const required = requiredNodeAffinity(pod.pod);
    const per: DomainCounts[] = [];
    if (this.uniform(constraints, required, true)) {
      for (const c of constraints) {
        per.push({ counts: this.counter(pod, c).domainCounts(c.topologyKey, nodes), domains: snap.labelIndex.values(c.topologyKey), delta: new Map(), min: undefined });
      }
    } else {
      const counters = constraints.map((c) => this.counter(pod, c));
      const maps = constraints.map(() => new Map<string, number>());
      for (const node of nodes) {
        if (!hasAllKeys(node.labels, constraints)) continue;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          if (!this.included(c, pod, node, required)) continue;
          const v = node.labels[c.topologyKey]!;
          maps[i]!.set(v, (maps[i]!.get(v) ?? 0) + counters[i]!.onNode(node));
        }
      }
      for (const m of maps) per.push({ counts: m, domains: m, delta: new Map(), min: undefined });
    }
    state.write(FILTER_KEY, new FilterState(constraints, per));
    return undefined;
  }

  preFilterExtensions(): PreFilterExtensions {
    return {
      addPod: (state, pod, other, node) => this.update(state, pod, other, node, 1),
      removePod: (state, pod, other, node) => this.update(state, pod, other, node, -1),
    };
  }

  private update(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): undefined {
    const s = state.read<FilterState>(FILTER_KEY);
    if (!s || other.namespace !== pod.namespace || !hasAllKeys(node.labels, s.constraints)) return undefined;
    const required = requiredNodeAffinity(pod.pod);
    s.constraints.forEach((c, i) => {
      if (!c.selector.matches(other.labels) || !this.included(c, pod, node, required)) return;
      s.bump(i, node.labels[c.topologyKey]!, delta);
    });
    return undefined;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const s = state.read<FilterState>(FILTER_KEY);
    if (!s) return undefined;
    const cs = s.constraints;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return this.rejectLabel;
      const self = c.selector.matches(pod.labels) ? 1 : 0;
      const skew = s.count(i, v) + self - s.minMatch(i);
      if (skew > c.maxSkew) return this.rejectSkew;
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo, filtered: readonly NodeInfo[]): Status | undefined {
    const snap = this.handle.snapshot;
    if (filtered.length === 0 || snap.numNodes === 0) return undefined;
    let constraints: Constraint[];
    try {
      constraints = this.constraints(pod, 'ScheduleAnyway');
    } catch (e) {
      return new Status(Code.Error, [(e as Error).message]);
    }
    if (constraints.length === 0) return skip;
    const requireAll = (pod.pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !this.systemDefaulted;
    const ignored = new Set<string>();
    const candidateValues = constraints.map(() => new Set<string>());
    for (const n of filtered) {
      if (requireAll && !hasAllKeys(n.labels, constraints)) {
        ignored.add(n.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey !== HOSTNAME) candidateValues[i]!.add(n.labels[c.topologyKey] ?? '');
      });
    }
    const weights = constraints.map((c, i) =>
      topologyNormalizingWeight(c.topologyKey === HOSTNAME ? filtered.length - ignored.size : candidateValues[i]!.size),
    );
    const counters = constraints.map((c) => this.counter(pod, c));
    const required = requiredNodeAffinity(pod.pod);
    const nodes = snap.nodes();
    let counts: ReadonlyMap<string, number>[];
    if (this.uniform(constraints, required, requireAll)) {
      counts = constraints.map((c, i) => (c.topologyKey === HOSTNAME ? new Map() : counters[i]!.domainCounts(c.topologyKey, nodes)));
    } else {
      const maps = constraints.map(() => new Map<string, number>());
      for (const node of nodes) {
        if (requireAll && !hasAllKeys(node.labels, constraints)) continue;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          if (c.topologyKey === HOSTNAME || !this.included(c, pod, node, required)) continue;
          const v = node.labels[c.topologyKey] ?? '';
          if (!candidateValues[i]!.has(v)) continue;
          maps[i]!.set(v, (maps[i]!.get(v) ?? 0) + counters[i]!.onNode(node));
        }
      }
      counts = maps;
    }
    state.write(SCORE_KEY, new ScoreState(constraints, counters, counts, weights, ignored));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    return state.read<ScoreState>(SCORE_KEY)?.score(node) ?? 0;
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: Float64Array, nodes: readonly NodeInfo[]): Status | undefined {
    state.read<ScoreState>(SCORE_KEY)?.normalize(scores, nodes);
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', action: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete, label: 'AssignedPodChange' } },
      {
        event: {
          resource: 'Node',
          action: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint,
          label: 'NodeChange',
        },
      },
    ];
  }
}

export function newPodTopologySpread(args: unknown, handle: Handle): PodTopologySpread {
  return new PodTopologySpread((args ?? {}) as PodTopologySpreadArgs, handle);
}

/** A label value every pod the selector matches must carry (an `In` with one value), for the snapshot's counter index. */
function requiredLabelHint(namespace: string, sel: LabelSelector): CounterHint | undefined {
  const r = sel.requirements.find((q) => q.operator === 'In' && q.values.length === 1);
  return r ? { namespace, label: [r.key, r.values[0]!] } : undefined;
}
