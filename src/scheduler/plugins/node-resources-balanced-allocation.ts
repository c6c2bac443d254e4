import type { CycleState } from '../framework/cycle-state.js';
import { MAX_NODE_SCORE, type PreScorePlugin, type ScorePlugin } from '../framework/interfaces.js';
import { skip, type Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { allocatableOf, defaultResourceSpecs, isNativeResource, podRequest, requestedOn, type ResourceSpec } from '../util/resource-allocation.js';

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
    // Two passes instead of a fractions array: this runs for every scored node of every pod.
    let n = 0;
    let total = 0;
    let first = 0;
    let second = 0;
    const res = this.resources;
    for (let i = 0; i < res.length; i++) {
      const f = this.fraction(pod, node, res[i]!.name);
      if (f < 0) continue;
      if (n === 0) first = f;
      else if (n === 1) second = f;
      total += f;
      n++;
    }
    let std = 0;
    if (n === 2) std = Math.abs((first - second) / 2);
    else if (n > 2) {
      const mean = total / n;
      let sum = 0;
      for (let i = 0; i < res.length; i++) {
        const f = this.fraction(pod, node, res[i]!.name);
        if (f >= 0) sum += (f - mean) * (f - mean);
      }
      std = Math.sqrt(sum / n);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }

  /** requested / allocatable capped at 1, or -1 when the resource is left out. */
  private fraction(pod: PodInfo, node: NodeInfo, name: string): number {
    const want = podRequest(pod, name, false);
    if (want === 0 && !isNativeResource(name)) return -1;
    const alloc = allocatableOf(node, name);
    if (alloc === 0) return -1;
    return Math.min((requestedOn(node, name, true) + want) / alloc, 1);
  }
}

export function newNodeResourcesBalancedAllocation(args: unknown): NodeResourcesBalancedAllocation {
  return new NodeResourcesBalancedAllocation((args ?? {}) as BalancedAllocationArgs);
}
