import { MAX_NODE_SCORE } from '../framework/interfaces.js';

/**
 * Upstream DefaultNormalizeScore: scales scores so the highest becomes MAX_NODE_SCORE (integer
 * arithmetic), optionally reversed (the highest count becomes 0). All zero: 0, or MAX when reversed.
 */
export function defaultNormalizeScore(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    if (reverse) s = MAX_NODE_SCORE - s;
    scores[i] = s;
  }
}
