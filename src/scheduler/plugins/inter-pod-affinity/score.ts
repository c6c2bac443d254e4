import type { StateData } from '../../framework/cycle-state.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../snapshot/node-info.js';

/** One source of affinity score: per-domain counts of a topology key, times a signed weight. */
export interface Contribution {
  key: string;
  counts: ReadonlyMap<string, number>;
  mult: number;
}

/**
 * The topology scores of upstream's PreScore, kept as references to per-domain counters instead of being
 * summed over every existing pod: a node's score is the sum over contributions of mult × count in its domain.
 */
export class ScoreState implements StateData {
  constructor(readonly contributions: readonly Contribution[]) {}

  clone(): this {
    return this;
  }

  score(node: NodeInfo): number {
    let s = 0;
    for (const c of this.contributions) {
      const v = node.labels[c.key];
      if (v !== undefined) s += c.mult * (c.counts.get(v) ?? 0);
    }
    return s;
  }
}

/** Min-max normalization into 0..MAX_NODE_SCORE (all equal: 0), truncating as upstream. */
export function minMaxNormalize(scores: Float64Array): void {
  if (scores.length === 0) return;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
}
