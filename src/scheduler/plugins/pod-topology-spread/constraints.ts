import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { LabelSelector, type Requirement } from '../../../api/selectors/label-selector.js';
import type { ClusterObjects } from '../../snapshot/cluster-objects.js';
import { parseSelector, selectorKey, type PodInfo } from '../../snapshot/pod-info.js';

export type InclusionPolicy = 'Honor' | 'Ignore';

/** A processed topology spread constraint. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  nodeAffinityPolicy: InclusionPolicy;
  nodeTaintsPolicy: InclusionPolicy;
  /** Counter key: namespace and canonical selector. */
  counterKey: string;
}

export interface DefaultConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** Upstream's system default constraints, used for pods without their own that belong to a workload. */
export const systemDefaultConstraints: readonly DefaultConstraint[] = [
  { topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

function build(ns: string, maxSkew: number, topologyKey: string, selector: LabelSelector, c?: TopologySpreadConstraint): Constraint {
  return {
    maxSkew,
    topologyKey,
    selector,
    minDomains: c?.minDomains ?? 1,
    nodeAffinityPolicy: (c?.nodeAffinityPolicy as InclusionPolicy | undefined) ?? 'Honor',
    nodeTaintsPolicy: (c?.nodeTaintsPolicy as InclusionPolicy | undefined) ?? 'Ignore',
    counterKey: `pts|${ns}|${selectorKey(selector)}`,
  };
}

/** The pod's own constraints with `whenUnsatisfiable === action`, matchLabelKeys folded into the selector. */
export function podConstraints(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const out: Constraint[] = [];
  for (const c of pod.pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = parseSelector(c.labelSelector, 'labelSelector');
    const extra: Requirement[] = [];
    for (const k of c.matchLabelKeys ?? []) if (k in pod.labels) extra.push({ key: k, operator: 'In', values: [pod.labels[k]!] });
    if (extra.length) selector = new LabelSelector([...extra, ...selector.requirements]);
    out.push(build(pod.namespace, c.maxSkew, c.topologyKey, selector, c));
  }
  return out;
}

/**
 * The selector of the workloads a pod belongs to (upstream DefaultSelector): the merged selectors of the
 * services selecting it, plus its controlling ReplicaSet, StatefulSet or ReplicationController's selector.
 */
export function defaultSelector(pod: Pod, objects: ClusterObjects): LabelSelector {
  const ns = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  const set = new Map<string, string>();
  for (const svc of objects.list('Service', ns)) {
    const sel = svc.spec?.selector;
    if (!sel) continue; // services without a selector select nothing
    const s = new LabelSelector(Object.entries(sel).map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })));
    if (s.matches(labels)) for (const [k, v] of Object.entries(sel)) set.set(k, v);
  }
  const reqs: Requirement[] = [...set].map(([key, v]) => ({ key, operator: 'In', values: [v] }));
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
  if (owner) {
    const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
    try {
      if (owner.kind === 'ReplicationController' && group === '') {
        const rc = objects.get('ReplicationController', owner.name, ns);
        for (const [k, v] of Object.entries(rc?.spec?.selector ?? {})) {
          if (!set.has(k)) reqs.push({ key: k, operator: 'In', values: [v] });
        }
      } else if ((owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet') && group === 'apps') {
        const obj = owner.kind === 'ReplicaSet' ? objects.get('ReplicaSet', owner.name, ns) : objects.get('StatefulSet', owner.name, ns);
        if (obj?.spec?.selector) reqs.push(...parseSelector(obj.spec.selector, 'selector').requirements);
      }
    } catch {
      // An unparsable owner selector adds nothing, as upstream ignores the error.
    }
  }
  return new LabelSelector(reqs);
}

/** Constraints from the configured defaults, for pods without their own. */
export function defaultConstraints(
  pod: PodInfo,
  defaults: readonly DefaultConstraint[],
  action: 'DoNotSchedule' | 'ScheduleAnyway',
  objects: ClusterObjects,
): Constraint[] {
  const wanted = defaults.filter((d) => d.whenUnsatisfiable === action);
  if (wanted.length === 0) return [];
  const selector = defaultSelector(pod.pod, objects);
  if (selector.empty) return [];
  return wanted.map((d) => build(pod.namespace, d.maxSkew, d.topologyKey, selector));
}

/** Whether the node carries every constraint's topology key. */
export function hasAllKeys(labels: Readonly<Record<string, string>>, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}
