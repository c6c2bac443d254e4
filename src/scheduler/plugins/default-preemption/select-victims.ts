import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { CycleState } from '../../framework/cycle-state.js';
import type { Handle } from '../../framework/interfaces.js';
import { Code, Status, unresolvable } from '../../framework/status.js';
import type { NodeInfo } from '../../snapshot/node-info.js';
import { parseSelector, type PodInfo } from '../../snapshot/pod-info.js';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';

export function startTime(pod: Pod): number {
  const t = pod.status?.startTime;
  return t ? Date.parse(t) : Number.MAX_SAFE_INTEGER;
}

/** Upstream MoreImportantPod: higher priority first, then the one that started earlier. */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startTime(a.pod) - startTime(b.pod);
}

/** Splits pods into those whose eviction would break a PodDisruptionBudget and the others. */
export function splitByPDBViolation(pods: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      const sel = p.spec?.selector ? parseSelector(p.spec.selector, 'selector') : undefined;
      return sel && !sel.empty ? sel : undefined; // a nil or empty PDB selector matches nothing
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const ok: PodInfo[] = [];
  for (const pi of pods) {
    let violated = false;
    if (Object.keys(pi.labels).length) {
      pdbs.forEach((pdb, i) => {
        if ((pdb.metadata?.namespace ?? 'default') !== pi.namespace) return;
        const sel = selectors[i];
        if (!sel || !sel.matches(pi.labels)) return;
        // Pods the API already counted as disrupted do not use the budget again.
        if (pdb.status?.disruptedPods && pi.name in pdb.status.disruptedPods) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : ok).push(pi);
  }
  return [violating, ok];
}

export interface Victims {
  pods: PodInfo[];
  numPDBViolations: number;
}

/**
 * Upstream SelectVictimsOnNode: take every lower-priority pod off (a copy of) the node; if the pod
 * still does not fit, preemption cannot help here. Otherwise put the victims back one at a time, most
 * important first and PDB-protected ones before the rest, keeping each one whose return still lets the
 * pod fit. What stays off is the minimal victim set.
 */
export function selectVictimsOnNode(
  handle: Handle,
  state: CycleState,
  pod: PodInfo,
  node: NodeInfo,
  pdbs: readonly PodDisruptionBudget[],
): { victims?: Victims; status?: Status } {
  const potential: PodInfo[] = [];
  const remove = (pi: PodInfo): Status | undefined => {
    node.removePod(pi.key);
    return handle.runPreFilterExtensionRemovePod(state, pod, pi, node);
  };
  const add = (pi: PodInfo): Status | undefined => {
    node.addPod(pi);
    return handle.runPreFilterExtensionAddPod(state, pod, pi, node);
  };
  for (const pi of [...node.pods]) {
    if (pi.priority < pod.priority) {
      potential.push(pi);
      const s = remove(pi);
      if (s) return { status: s };
    }
  }
  if (potential.length === 0) return { status: unresolvable(NO_VICTIMS) };
  const fits = handle.runFilterPluginsWithNominatedPods(state, pod, node);
  if (fits) return { status: fits };
  potential.sort(moreImportant);
  const [violating, nonViolating] = splitByPDBViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  let numPDBViolations = 0;
  const reprieve = (pi: PodInfo): boolean | Status => {
    const s = add(pi);
    if (s) return s;
    if (handle.runFilterPluginsWithNominatedPods(state, pod, node) === undefined) return true;
    const r = remove(pi);
    if (r) return r;
    victims.push(pi);
    return false;
  };
  for (const pi of violating) {
    const r = reprieve(pi);
    if (r instanceof Status) return { status: r };
    if (!r) numPDBViolations++;
  }
  for (const pi of nonViolating) {
    const r = reprieve(pi);
    if (r instanceof Status) return { status: r };
  }
  victims.sort(moreImportant);
  if (victims.length === 0) return { status: new Status(Code.Error, [`expected at least one victim pod on node "${node.name}"`]) };
  return { victims: { pods: victims, numPDBViolations } };
}
