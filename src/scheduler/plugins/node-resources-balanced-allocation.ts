import type { CycleState } from '../framework/cycle-state.js';
import { MAX_NODE_SCORE, type PreScorePlugin, type ScorePlugin } from '../framework/interfaces.js';
import { skip, type Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { allocatableAndRequested, defaultResourceSpecs, podRequest, type ResourceSpec } from '../util/resource-allocation.js';

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

/**
 * Favors nodes whose resource fractions (requested / allocatable, including this pod, actual requests)
 * stay close to each other: score = (1 - standard deviation of the fractions) × 100. Best-effort pods
 * (no requests for the resources) are skipped, so they do not pile onto one node.
 */
export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';
  private readonly resources: readonly ResourceSpec[];
  private readonly fractions: number[] = [];

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = args.resources?.length ? args.resources : defaultResourceSpecs;
    for (const r of this.resources) {
      if (!(r.weight >= 1 && r.weight <= 100)) throw new Error(`resources.weight: Invalid value: ${r.weight}: resource weight of ${r.name} not in valid range [1, 100]`);
    }
  }

  preScore(_state: CycleState, pod: PodInfo): Status | undefined {
    for (const r of this.resources) if (podRequest(pod, r.name, false) !== 0) return undefined;
    return skip;
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const fr = this.fractions;
    fr.length = 0;
    let total = 0;
    for (const r of this.resources) {
      const [alloc, req] = allocatableAndRequested(node, r.name, podRequest(pod, r.name, false), true);
      if (alloc === 0) continue;
      const f = Math.min(req / alloc, 1);
      fr.push(f);
      total += f;
    }
    let std = 0;
    if (fr.length === 2) std = Math.abs((fr[0]! - fr[1]!) / 2);
    else if (fr.length > 2) {
      const mean = total / fr.length;
      let sum = 0;
      for (const f of fr) sum += (f - mean) * (f - mean);
      std = Math.sqrt(sum / fr.length);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}

export function newNodeResourcesBalancedAllocation(args: unknown): NodeResourcesBalancedAllocation {
  return new NodeResourcesBalancedAllocation((args ?? {}) as BalancedAllocationArgs);
}
