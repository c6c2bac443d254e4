import type { StateData } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../snapshot/node-info.js';
import type { PodCounter } from '../../snapshot/pod-counter.js';
import type { Constraint } from './constraints.js';

export const HOSTNAME = 'kubernetes.io/hostname';

export class ScoreState implements StateData {
  constructor(
    readonly constraints: readonly Constraint[],
    readonly counters: readonly PodCounter[],
    /** Per constraint: value -> matching pods on eligible nodes (unused for hostname constraints). */
    readonly counts: readonly ReadonlyMap<string, number>[],
    readonly weights: readonly number[],
    /** Nodes missing a topology key when all are required: scored 0. */
    readonly ignored: ReadonlySet<string>,
  ) {}

  clone(): this {
    return this;
  }

  score(node: NodeInfo): number {
    if (this.ignored.has(node.name)) return 0;
    let s = 0;
    for (let i = 0; i < this.constraints.length; i++) {
      const c = this.constraints[i]!;
      const v = node.labels[c.topologyKey];
      if (v === undefined) continue;
      const cnt = c.topologyKey === HOSTNAME ? this.counters[i]!.onNode(node) : (this.counts[i]!.get(v) ?? 0);
      s += cnt * this.weights[i]! + (c.maxSkew - 1);
    }
    return Math.round(s);
  }

  /** Fewer matching pods is better: MAX × (max + min - s) / max over the scored nodes; ignored nodes get 0. */
  normalize(scores: Float64Array, nodes: readonly NodeInfo[]): void {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (this.ignored.has(nodes[i]!.name)) continue;
      const s = scores[i]!;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      if (this.ignored.has(nodes[i]!.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
    }
  }
}

/** log(size + 2): constraints over more domains weigh more. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}
