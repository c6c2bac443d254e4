import type { Node, NodeAffinity as NodeAffinitySpec } from 'kubernetes-types/core/v1.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import {
  PreFilterResult,
  type EnqueueExtensions,
  type FilterPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from '../framework/interfaces.js';
import { skip, unresolvable, type Status } from '../framework/status.js';
import { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { NodeSelectorMatcher, PreferredSchedulingTerms, requiredNodeAffinity, type RequiredNodeAffinity } from '../util/node-affinity.js';
import { defaultNormalizeScore } from '../util/normalize.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

export interface NodeAffinityArgs {
  /** Affinity every pod of the profile gets on top of its own. */
  addedAffinity?: NodeAffinitySpec;
}

class PreFilterState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): this {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly preferred: PreferredSchedulingTerms) {}
  clone(): this {
    return this;
  }
}

const PRE_FILTER_KEY = 'PreFilterNodeAffinity';
const PRE_SCORE_KEY = 'PreScoreNodeAffinity';

/** spec.nodeSelector and required/preferred node affinity (matchExpressions and matchFields). */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'NodeAffinity';
  private readonly addedRequired: NodeSelectorMatcher | undefined;
  private readonly addedPreferred: PreferredSchedulingTerms | undefined;
  private readonly podRejection = unresolvable(ERR_REASON_POD);
  private readonly enforcedRejection = unresolvable(ERR_REASON_ENFORCED);

  constructor(args: NodeAffinityArgs = {}) {
    const added = args.addedAffinity;
    const req = added?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedRequired = req ? new NodeSelectorMatcher(req.nodeSelectorTerms ?? []) : undefined;
    const pref = added?.preferredDuringSchedulingIgnoredDuringExecution;
    this.addedPreferred = pref?.length ? new PreferredSchedulingTerms(pref) : undefined;
  }

  preFilter(state: CycleState, pod: PodInfo): Status | PreFilterResult | undefined {
    const req = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!req && !this.addedRequired && !pod.pod.spec?.nodeSelector) return skip;
    state.write(PRE_FILTER_KEY, new PreFilterState(requiredNodeAffinity(pod.pod)));
    const terms = req?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return undefined;
    // Terms naming nodes by metadata.name narrow the nodes worth filtering (terms are ORed, fields ANDed).
    let names: Set<string> | undefined;
    for (const t of terms) {
      let termNames: Set<string> | undefined;
      for (const f of t.matchFields ?? []) {
        if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
        const s = new Set(f.values ?? []);
        termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
      }
      if (!termNames) return undefined;
      names = names ? new Set([...names, ...termNames]) : termNames;
    }
    if (names && names.size === 0) return unresolvable(ERR_REASON_CONFLICT);
    return names && names.size ? new PreFilterResult(names) : undefined;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (this.addedRequired && !this.addedRequired.matches(node.name, node.labels)) return this.enforcedRejection;
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    const required = s ? s.required : requiredNodeAffinity(pod.pod);
    return required.matches(node) ? undefined : this.podRejection;
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    const pref = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    if (pref.length === 0 && !this.addedPreferred) return skip;
    state.write(PRE_SCORE_KEY, new PreScoreState(new PreferredSchedulingTerms(pref)));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    let s = this.addedPreferred?.score(node) ?? 0;
    const st = state.read<PreScoreState>(PRE_SCORE_KEY);
    const pref = st?.preferred ?? new PreferredSchedulingTerms(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
    s += pref.score(node);
    return s;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: Float64Array): Status | undefined {
    defaultNormalizeScore(scores, false);
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeLabel, label: 'NodeLabelChange' },
        hint: (pod, _old, obj) => {
          const node = obj as Node | undefined;
          if (!node) return 'Queue';
          const ni = new NodeInfo(node, 0);
          if (this.addedRequired && !this.addedRequired.matches(ni.name, ni.labels)) return 'QueueSkip';
          return requiredNodeAffinity(pod).matches(ni) ? 'Queue' : 'QueueSkip';
        },
      },
    ];
  }
}

export function newNodeAffinity(args: unknown): NodeAffinity {
  return new NodeAffinity((args ?? {}) as NodeAffinityArgs);
}
