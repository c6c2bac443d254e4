import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { fitErrorMessage, NodeStatusMap, newDiagnosis } from '../../framework/diagnosis.js';
import type { Handle, NodeToStatus, PostFilterPlugin, PostFilterResult } from '../../framework/interfaces.js';
import { Code, Status, unresolvable } from '../../framework/status.js';
import type { NodeInfo } from '../../snapshot/node-info.js';
import type { PodInfo } from '../../snapshot/pod-info.js';
import { pickOneNodeForPreemption, type Candidate } from './pick-node.js';
import { selectVictimsOnNode } from './select-victims.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface DefaultPreemptionArgs {
  /** Candidates to find, as a percentage of the nodes (default 10). */
  minCandidateNodesPercentage?: number;
  /** ... but at least this many (default 100). */
  minCandidateNodesAbsolute?: number;
}

/**
 * PostFilter preemption: find nodes where evicting lower-priority pods (as few and as unimportant as
 * possible, respecting PodDisruptionBudgets) lets the pod fit, pick one as upstream does, evict the
 * victims through the handle and nominate the node.
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = 'DefaultPreemption';
  private readonly pct: number;
  private readonly abs: number;

  constructor(
    args: DefaultPreemptionArgs,
    private readonly handle: Handle,
  ) {
    this.pct = args.minCandidateNodesPercentage ?? 10;
    this.abs = args.minCandidateNodesAbsolute ?? 100;
    if (!(this.pct >= 0 && this.pct <= 100)) throw new Error(`minCandidateNodesPercentage: Invalid value: ${this.pct}: not in valid range [0, 100]`);
    if (!(this.abs >= 0)) throw new Error(`minCandidateNodesAbsolute: Invalid value: ${this.abs}: not in valid range [0, inf)`);
    if (this.pct === 0 && this.abs === 0) throw new Error('minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute');
  }

  private numCandidates(n: number): number {
    return Math.min(n, Math.max(Math.trunc((n * this.pct) / 100), this.abs));
  }

  /** Upstream PodEligibleToPreemptOthers; returns the reason it is not, or undefined. */
  private ineligible(pod: PodInfo, statuses: NodeToStatus): string | undefined {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      if (statuses.get(nominated)?.code === Code.UnschedulableAndUnresolvable) return undefined;
      const ni = this.handle.snapshot.node(nominated);
      if (ni?.pods.some((p) => p.priority < pod.priority && p.terminating)) {
        return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return undefined;
  }

  postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): { result?: PostFilterResult; status?: Status } {
    const why = this.ineligible(pod, statuses);
    if (why) return { status: new Status(Code.Unschedulable, [`preemption: ${why}`]) };
    const all = this.handle.snapshot.nodes();
    const potential: NodeInfo[] = [];
    const result = new NodeStatusMap(all);
    for (const n of all) {
      if (statuses.get(n.name)?.code === Code.UnschedulableAndUnresolvable) continue;
      potential.push(n);
    }
    const fail = () => {
      result.absent = unresolvable(NOT_HELPFUL);
      const d = newDiagnosis(all);
      d.statuses = result;
      return { result: { nominatedNodeName: '' }, status: new Status(Code.Unschedulable, [`preemption: ${fitErrorMessage(all.length, d)}`]) };
    };
    if (potential.length === 0) return fail();
    const pdbs: PodDisruptionBudget[] = [...this.handle.objects.list('PodDisruptionBudget')];
    const want = this.numCandidates(potential.length);
    const offset = Math.floor(this.handle.random() * potential.length);
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length]!;
      const { victims, status } = selectVictimsOnNode(this.handle, state.clone(), pod, node.clone(), pdbs);
      if (victims) {
        (victims.numPDBViolations === 0 ? nonViolating : violating).push({ nodeName: node.name, victims });
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= want) break;
        continue;
      }
      if (status) {
        if (status.code === Code.Error) return { status };
        result.set(node.name, status);
      }
    }
    const chosen = pickOneNodeForPreemption([...nonViolating, ...violating]);
    if (!chosen) return fail();
    for (const v of chosen.victims.pods) {
      this.handle.evict(v.pod, pod.pod).catch(() => {
        // A victim already gone is fine; the pod is retried when the node frees up either way.
      });
    }
    // Lower-priority pods nominated to this node lose the nomination: the preemptor comes first.
    for (const p of this.handle.nominatedPodsForNode(chosen.nodeName)) {
      if (p.priority < pod.priority) this.handle.clearNomination(p.pod);
    }
    return { result: { nominatedNodeName: chosen.nodeName, victims: chosen.victims.pods.map((v) => `${v.namespace}/${v.name}`) }, status: new Status(Code.Success) };
  }
}

export function newDefaultPreemption(args: unknown, handle: Handle): DefaultPreemption {
  return new DefaultPreemption((args ?? {}) as DefaultPreemptionArgs, handle);
}
