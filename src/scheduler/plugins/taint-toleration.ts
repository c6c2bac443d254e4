import type { Node, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import type { EnqueueExtensions, FilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { unresolvable, type Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { defaultNormalizeScore } from '../util/normalize.js';
import { findUntoleratedTaint, tolerated } from '../util/taints.js';

/** Upstream's text since 1.33 (earlier releases named the taint). */
export const ERR_REASON_UNTOLERATED = 'node(s) had untolerated taint(s)';

class PreScoreState implements StateData {
  constructor(readonly tolerations: readonly Toleration[]) {}
  clone(): this {
    return this;
  }
}

const PRE_SCORE_KEY = 'PreScoreTaintToleration';

/**
 * Filter: a NoSchedule or NoExecute taint the pod does not tolerate rules the node out. Score: count
 * of PreferNoSchedule taints not tolerated, reversed so fewer is better.
 */
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'TaintToleration';
  private readonly rejection = unresolvable(ERR_REASON_UNTOLERATED);

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (node.taints.length === 0) return undefined;
    return findUntoleratedTaint(node.taints, pod.tolerations) ? this.rejection : undefined;
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    // Only tolerations with effect PreferNoSchedule or no effect matter for scoring.
    state.write(PRE_SCORE_KEY, new PreScoreState(pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule')));
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    if (node.taints.length === 0) return 0;
    const tolerations = state.read<PreScoreState>(PRE_SCORE_KEY)?.tolerations ?? pod.tolerations;
    let n = 0;
    for (const t of node.taints) if (t.effect === 'PreferNoSchedule' && !tolerated(t, tolerations)) n++;
    return n;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: Float64Array): Status | undefined {
    defaultNormalizeScore(scores, true);
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeTaint, label: 'NodeTaintChange' },
        hint: (pod, _old, obj) => {
          const taints: readonly Taint[] = (obj as Node | undefined)?.spec?.taints ?? [];
          return findUntoleratedTaint(taints, pod.spec?.tolerations ?? []) ? 'QueueSkip' : 'Queue';
        },
      },
    ];
  }
}

export const newTaintToleration = (): TaintToleration => new TaintToleration();
