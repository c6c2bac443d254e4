import type { Node } from 'kubernetes-types/core/v1.js';
import type { CycleState } from '../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import { MAX_NODE_SCORE, type EnqueueExtensions, type FilterPlugin, type ScorePlugin } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { allocatableOf, defaultResourceSpecs, isNativeResource, podRequest, requestedOn, type ResourceSpec } from '../util/resource-allocation.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

/** The largest score a RequestedToCapacityRatio shape point may give; scaled to MAX_NODE_SCORE. */
const MAX_CUSTOM_PRIORITY_SCORE = 10;

type Scorer = (requested: number[], allocatable: number[]) => number;

/**
 * The weighted mean of each resource's score, over the resources the node has any of (upstream's
 * LeastAllocated and MostAllocated scorers differ only in the per-resource score).
 */
function weightedMean(resources: readonly ResourceSpec[], score: (requested: number, capacity: number) => number): Scorer {
  return (req, alloc) => {
    let total = 0;
    let weights = 0;
    for (let i = 0; i < req.length; i++) {
      const cap = alloc[i]!;
      if (cap === 0) continue;
      total += score(req[i]!, cap) * resources[i]!.weight;
      weights += resources[i]!.weight;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  };
}

function leastAllocated(resources: readonly ResourceSpec[]): Scorer {
  return weightedMean(resources, (r, cap) => (r > cap ? 0 : Math.trunc(((cap - r) * MAX_NODE_SCORE) / cap)));
}

function mostAllocated(resources: readonly ResourceSpec[]): Scorer {
  return weightedMean(resources, (r, cap) => Math.trunc((Math.min(r, cap) * MAX_NODE_SCORE) / cap));
}

/** A piecewise-linear function through the shape points (upstream BuildBrokenLinearFunction). */
function brokenLinear(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i]!.utilization) {
        if (i === 0) return shape[0]!.score;
        const a = shape[i - 1]!;
        const b = shape[i]!;
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

function requestedToCapacityRatio(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): Scorer {
  const f = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) })));
  return (req, alloc) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < req.length; i++) {
      const cap = alloc[i]!;
      if (cap === 0) continue;
      const r = req[i]!;
      const s = r > cap ? f(100) : f(Math.trunc((r * 100) / cap));
      if (s > 0) {
        score += s * resources[i]!.weight;
        weights += resources[i]!.weight;
      }
    }
    return weights === 0 ? 0 : Math.round(score / weights);
  };
}

export function validateFitArgs(args: NodeResourcesFitArgs): string[] {
  const errs: string[] = [];
  const st = args.scoringStrategy;
  const type = st?.type ?? 'LeastAllocated';
  if (!['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'].includes(type)) {
    errs.push(`scoringStrategy.type: Unsupported value: "${type}": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"`);
  }
  (st?.resources ?? []).forEach((r, i) => {
    if (!(r.weight >= 1 && r.weight <= 100)) errs.push(`scoringStrategy.resources[${i}].weight: Invalid value: ${r.weight}: resource weight of ${r.name} not in valid range [1, 100]`);
  });
  if (type === 'RequestedToCapacityRatio') {
    const shape = st?.requestedToCapacityRatio?.shape ?? [];
    if (shape.length === 0) errs.push('scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified');
    shape.forEach((p, i) => {
      if (!(p.utilization >= 0 && p.utilization <= 100)) errs.push(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: Invalid value: ${p.utilization}: not in valid range [0, 100]`);
      if (!(p.score >= 0 && p.score <= MAX_CUSTOM_PRIORITY_SCORE)) errs.push(`scoringStrategy.requestedToCapacityRatio.shape[${i}].score: Invalid value: ${p.score}: not in valid range [0, 10]`);
      if (i > 0 && p.utilization <= shape[i - 1]!.utilization) errs.push(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: Invalid value: ${p.utilization}: utilization values must be sorted in increasing order`);
    });
  }
  return errs;
}

/**
 * Filter: the pod's requests (containers, init containers and sidecars, overhead; extended resources)
 * must fit in allocatable minus what the node's pods request, and the node must have a pod slot left.
 * Score: LeastAllocated (default), MostAllocated or RequestedToCapacityRatio over the configured resources.
 */
export class NodeResourcesFit implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  readonly name = 'NodeResourcesFit';
  private readonly ignored: Set<string>;
  private readonly ignoredGroups: Set<string>;
  private readonly resources: readonly ResourceSpec[];
  private readonly scorer: Scorer;
  private readonly req: number[];
  private readonly alloc: number[];

  constructor(args: NodeResourcesFitArgs = {}) {
    const errs = validateFitArgs(args);
    if (errs.length) throw new Error(errs.join('; '));
    this.ignored = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
    const st = args.scoringStrategy;
    this.resources = st?.resources?.length ? st.resources : defaultResourceSpecs;
    switch (st?.type ?? 'LeastAllocated') {
      case 'MostAllocated':
        this.scorer = mostAllocated(this.resources);
        break;
      case 'RequestedToCapacityRatio':
        this.scorer = requestedToCapacityRatio(this.resources, st!.requestedToCapacityRatio!.shape!);
        break;
      default:
        this.scorer = leastAllocated(this.resources);
    }
    this.req = new Array<number>(this.resources.length).fill(0);
    this.alloc = new Array<number>(this.resources.length).fill(0);
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    let reasons: string[] | undefined;
    let unresolvable = false;
    const alloc = node.allocatable;
    const used = node.requested;
    if (node.pods.length + 1 > alloc.allowedPods) (reasons ??= []).push('Too many pods');
    const r = pod.requests;
    if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0) {
      return reasons ? new Status(Code.Unschedulable, reasons) : undefined;
    }
    if (r.milliCPU > 0 && r.milliCPU > alloc.milliCPU - used.milliCPU) {
      (reasons ??= []).push('Insufficient cpu');
      unresolvable ||= r.milliCPU > alloc.milliCPU;
    }
    if (r.memory > 0 && r.memory > alloc.memory - used.memory) {
      (reasons ??= []).push('Insufficient memory');
      unresolvable ||= r.memory > alloc.memory;
    }
    if (r.ephemeralStorage > 0 && r.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
      (reasons ??= []).push('Insufficient ephemeral-storage');
      unresolvable ||= r.ephemeralStorage > alloc.ephemeralStorage;
    }
    for (const [name, q] of r.scalar) {
      if (q === 0) continue;
      if (this.isIgnored(name)) continue;
      const cap = alloc.scalar.get(name) ?? 0;
      if (q > cap - (used.scalar.get(name) ?? 0)) {
        (reasons ??= []).push(`Insufficient ${name}`);
        unresolvable ||= q > cap;
      }
    }
    if (!reasons) return undefined;
    return new Status(unresolvable ? Code.UnschedulableAndUnresolvable : Code.Unschedulable, reasons);
  }

  /** Ignored resources apply to extended resources only (names with a domain outside kubernetes.io). */
  private isIgnored(name: string): boolean {
    const slash = name.indexOf('/');
    if (slash < 0 || name.startsWith('kubernetes.io/') || name.startsWith('requests.')) return false;
    return this.ignored.has(name) || this.ignoredGroups.has(name.slice(0, slash));
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const res = this.resources;
    for (let i = 0; i < res.length; i++) {
      const name = res[i]!.name;
      const want = podRequest(pod, name, true);
      // An extended resource the pod does not ask for is left out of the score.
      const a = want === 0 && !isNativeResource(name) ? 0 : allocatableOf(node, name);
      this.alloc[i] = a;
      this.req[i] = a === 0 ? 0 : requestedOn(node, name, false) + want;
    }
    return this.scorer(this.req, this.alloc);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', action: ActionType.Delete | ActionType.UpdatePodScaleDown, label: 'AssignedPodDelete' } },
      {
        event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeAllocatable, label: 'NodeAllocatableChange' },
        hint: (_pod, _old, obj) => ((obj as Node | undefined) ? 'Queue' : 'QueueSkip'),
      },
    ];
  }
}

export function newNodeResourcesFit(args: unknown): NodeResourcesFit {
  return new NodeResourcesFit((args ?? {}) as NodeResourcesFitArgs);
}
