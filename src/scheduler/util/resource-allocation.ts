import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';

/** A resource a score looks at, with its weight (`{name: cpu, weight: 1}`). */
export interface ResourceSpec {
  name: string;
  weight: number;
}

export const defaultResourceSpecs: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** The pod's request for one resource; `nonZero` substitutes the 100m/200Mi defaults for CPU and memory. */
export function podRequest(pod: PodInfo, name: string, nonZero: boolean): number {
  switch (name) {
    case 'cpu':
      return nonZero ? pod.nonZeroMilliCPU : pod.requests.milliCPU;
    case 'memory':
      return nonZero ? pod.nonZeroMemory : pod.requests.memory;
    case 'ephemeral-storage':
      return pod.requests.ephemeralStorage;
    default:
      return pod.requests.scalar.get(name) ?? 0;
  }
}

/**
 * (allocatable, requested after adding the pod) for one resource on a node, as upstream's
 * calculateResourceAllocatableRequest: non-zero sums for CPU and memory unless `useRequested`; an
 * extended resource the pod does not request yields (0, 0) so it is left out of the score.
 */
export function allocatableAndRequested(node: NodeInfo, name: string, podReq: number, useRequested: boolean): [number, number] {
  switch (name) {
    case 'cpu':
      return [node.allocatable.milliCPU, (useRequested ? node.requested.milliCPU : node.nonZeroMilliCPU) + podReq];
    case 'memory':
      return [node.allocatable.memory, (useRequested ? node.requested.memory : node.nonZeroMemory) + podReq];
    case 'ephemeral-storage':
      return [node.allocatable.ephemeralStorage, node.requested.ephemeralStorage + podReq];
    default:
      if (podReq === 0) return [0, 0];
      return [node.allocatable.scalar.get(name) ?? 0, (node.requested.scalar.get(name) ?? 0) + podReq];
  }
}
