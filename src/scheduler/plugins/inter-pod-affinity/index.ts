import type { Pod } from 'kubernetes-types/core/v1.js';
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
import { podInfo, termMatches, type PodInfo } from '../../snapshot/pod-info.js';
import type { TermGroup } from '../../snapshot/term-index.js';
import {
  ERR_REASON_AFFINITY,
  ERR_REASON_ANTI_AFFINITY,
  ERR_REASON_EXISTING_ANTI_AFFINITY,
  FilterState,
} from './filter.js';
import { minMaxNormalize, ScoreState, type Contribution } from './score.js';
import { matchesAll, matchesMerged, mergeNamespaces } from './terms.js';

export { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY };

export interface InterPodAffinityArgs {
  /** Score weight of existing pods' required affinity terms matched by the incoming pod (0..100, default 1). */
  hardPodAffinityWeight?: number;
  /** Skip existing pods' preferred terms when the incoming pod has no preferred terms. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

const FILTER_KEY = 'PreFilterInterPodAffinity';
const SCORE_KEY = 'PreScoreInterPodAffinity';

/**
 * Required and preferred pod affinity and anti-affinity, both ways: the pod's own terms against existing
 * pods, and existing pods' terms against the pod (their required anti-affinity blocks it; their required
 * affinity scores with hardPodAffinityWeight; their preferred terms score). Domain counts come from the
 * snapshot's counters and term index, so no cycle scans every pod.
 */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'InterPodAffinity';
  private readonly hardWeight: number;
  private readonly ignoreExistingPreferred: boolean;
  private readonly rejectAffinity = unresolvable(ERR_REASON_AFFINITY);
  private readonly rejectAnti = unschedulable(ERR_REASON_ANTI_AFFINITY);
  private readonly rejectExisting = unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);

  constructor(
    args: InterPodAffinityArgs,
    private readonly handle: Handle,
  ) {
    this.hardWeight = args.hardPodAffinityWeight ?? 1;
    if (!Number.isInteger(this.hardWeight) || this.hardWeight < 0 || this.hardWeight > 100) {
      throw new Error(`hardPodAffinityWeight: Invalid value: ${args.hardPodAffinityWeight}: not in valid range [0, 100]`);
    }
    this.ignoreExistingPreferred = args.ignorePreferredTermsOfExistingPods ?? false;
  }

  private nsLabels(pod: PodInfo): Readonly<Record<string, string>> {
    return this.handle.objects.namespaceLabels(pod.namespace) ?? {};
  }

  preFilter(state: CycleState, pod: PodInfo): Status | undefined {
    if (pod.parseError) return new Status(Code.Error, [`parsing pod: ${pod.parseError}`]);
    const snap = this.handle.snapshot;
    const existingGroups = snap.terms.groups.requiredAntiAffinity;
    if (pod.requiredAffinityTerms.length === 0 && pod.requiredAntiAffinityTerms.length === 0 && existingGroups.size === 0) return skip;
    const objects = this.handle.objects;
    const affinityTerms = pod.requiredAffinityTerms.map((t) => mergeNamespaces(t, objects));
    const nsLabels = this.nsLabels(pod);
    const s = new FilterState(pod, affinityTerms, nsLabels, snap);
    const nodes = snap.nodes();
    if (affinityTerms.length) {
      s.affinityKeys = [...new Set(affinityTerms.map((t) => t.topologyKey))];
      s.affinityCounter = snap.counter(`ipa-affinity|${affinityTerms.map((t) => t.key).join('|')}`, (p) => matchesAll(affinityTerms, p));
      s.affinityCounts = s.affinityKeys.map((k) => s.affinityCounter!.domainCounts(k, nodes));
      s.affinityEmptyAtStart = s.affinityCounts.every((m) => m.size === 0);
      s.selfMatchesAffinity = matchesAll(affinityTerms, pod);
    }
    for (const raw of pod.requiredAntiAffinityTerms) {
      const term = mergeNamespaces(raw, objects);
      const counter = snap.counter(`ipa-term|${term.key}`, (p) => matchesMerged(term, p));
      s.antiTerms.push({ term, counter, counts: counter.domainCounts(term.topologyKey, nodes), delta: new Map() });
    }
    for (const g of existingGroups.values()) {
      if (g.counts.size === 0 || !termMatches(g.term, pod, nsLabels)) continue;
      let list = s.existingAnti.get(g.term.topologyKey);
      if (!list) s.existingAnti.set(g.term.topologyKey, (list = []));
      list.push(g);
    }
    for (const [key, groups] of s.existingAnti) s.existingAntiList.push({ key, groups });
    state.write(FILTER_KEY, s);
    return undefined;
  }

  preFilterExtensions(): PreFilterExtensions {
    return {
      addPod: (state, _pod, podToAdd, node) => this.update(state, podToAdd, node, 1),
      removePod: (state, _pod, podToRemove, node) => this.update(state, podToRemove, node, -1),
    };
  }

  private update(state: CycleState, other: PodInfo, node: NodeInfo, mult: 1 | -1): undefined {
    state.read<FilterState>(FILTER_KEY)?.update(other, node, mult);
    return undefined;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status | undefined {
    const s = state.read<FilterState>(FILTER_KEY);
    if (!s) return undefined;
    if (!s.satisfiesAffinity(node)) return this.rejectAffinity;
    if (!s.satisfiesAntiAffinity(node)) return this.rejectAnti;
    if (!s.satisfiesExistingAntiAffinity(node)) return this.rejectExisting;
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    const hasPreferred = pod.preferredAffinityTerms.length + pod.preferredAntiAffinityTerms.length > 0;
    if (this.ignoreExistingPreferred && !hasPreferred) return skip;
    const snap = this.handle.snapshot;
    const nodes = snap.nodes();
    const objects = this.handle.objects;
    const contributions: Contribution[] = [];
    const push = (key: string, counts: ReadonlyMap<string, number>, mult: number) => {
      if (counts.size && mult) contributions.push({ key, counts, mult });
    };
    for (const [terms, sign] of [
      [pod.preferredAffinityTerms, 1],
      [pod.preferredAntiAffinityTerms, -1],
    ] as const) {
      for (const raw of terms) {
        if (!raw.weight) continue;
        const term = mergeNamespaces(raw, objects);
        const counter = snap.counter(`ipa-term|${term.key}`, (p) => matchesMerged(term, p));
        push(term.topologyKey, counter.domainCounts(term.topologyKey, nodes), sign * raw.weight);
      }
    }
    const nsLabels = this.nsLabels(pod);
    const fromGroups = (groups: ReadonlyMap<string, TermGroup>, weightOf: (g: TermGroup) => number) => {
      for (const g of groups.values()) {
        if (g.counts.size === 0 || !termMatches(g.term, pod, nsLabels)) continue;
        push(g.term.topologyKey, g.counts, weightOf(g));
      }
    };
    const groups = snap.terms.groups;
    if (this.hardWeight > 0) fromGroups(groups.requiredAffinity, () => this.hardWeight);
    if (!this.ignoreExistingPreferred) {
      fromGroups(groups.preferredAffinity, (g) => g.weight);
      fromGroups(groups.preferredAntiAffinity, (g) => -g.weight);
    }
    if (contributions.length === 0) return skip;
    state.write(SCORE_KEY, new ScoreState(contributions));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    return state.read<ScoreState>(SCORE_KEY)?.score(node) ?? 0;
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: Float64Array): Status | undefined {
    if (state.read<ScoreState>(SCORE_KEY)) minMaxNormalize(scores);
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    const podChange = (pod: Pod, _old: unknown, obj: unknown): 'Queue' | 'QueueSkip' => {
      const changed = obj as Pod | undefined;
      if (!changed) return 'Queue';
      const pi = podInfo(pod);
      const other = podInfo(changed);
      // A new or relabelled pod helps only if it matches one of the pod's required affinity terms.
      for (const t of pi.requiredAffinityTerms) if (termMatches(t, other, this.handle.objects.namespaceLabels(other.namespace))) return 'Queue';
      return 'QueueSkip';
    };
    return [
      { event: { resource: 'Pod', action: ActionType.Add | ActionType.UpdatePodLabel, label: 'AssignedPodAddOrRelabel' }, hint: podChange },
      { event: { resource: 'Pod', action: ActionType.Delete, label: 'AssignedPodDelete' } },
      { event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeLabel, label: 'NodeLabelChange' } },
    ];
  }
}

export function newInterPodAffinity(args: unknown, handle: Handle): InterPodAffinity {
  return new InterPodAffinity((args ?? {}) as InterPodAffinityArgs, handle);
}
