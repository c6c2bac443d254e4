import type { KubeObject } from '../../api/index.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export const notReadyTaintKey = 'node.kubernetes.io/not-ready';
export const unreachableTaintKey = 'node.kubernetes.io/unreachable';
export const unschedulableTaintKey = 'node.kubernetes.io/unschedulable';

/** Node conditions (and their status) that put a NoSchedule taint on the node, as Kubernetes maps them. */
const conditionTaints: { type: string; status: string; key: string }[] = [
  { type: 'Ready', status: 'False', key: notReadyTaintKey },
  { type: 'Ready', status: 'Unknown', key: unreachableTaintKey },
  { type: 'MemoryPressure', status: 'True', key: 'node.kubernetes.io/memory-pressure' },
  { type: 'DiskPressure', status: 'True', key: 'node.kubernetes.io/disk-pressure' },
  { type: 'NetworkUnavailable', status: 'True', key: 'node.kubernetes.io/network-unavailable' },
  { type: 'PIDPressure', status: 'True', key: 'node.kubernetes.io/pid-pressure' },
];

/** Every NoSchedule taint key the controller manages. */
export const managedNoScheduleKeys = new Set([...conditionTaints.map((c) => c.key), unschedulableTaintKey]);

export function taintsOf(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
}

export function nodeCondition(node: KubeObject, type: string): { type: string; status: string; reason?: string; lastHeartbeatTime?: string; lastTransitionTime?: string } | undefined {
  return ((node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

/** The NoSchedule taints a node's conditions and `spec.unschedulable` call for. */
export function wantedNoScheduleTaints(node: KubeObject): Taint[] {
  const out: Taint[] = [];
  for (const c of conditionTaints) if (nodeCondition(node, c.type)?.status === c.status) out.push({ key: c.key, effect: 'NoSchedule' });
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true) out.push({ key: unschedulableTaintKey, effect: 'NoSchedule' });
  return out;
}

export function hasTaint(taints: readonly Taint[], key: string, effect: string): boolean {
  return taints.some((t) => t.key === key && t.effect === effect);
}
