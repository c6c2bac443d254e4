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

/** A node's allocatable amount of one resource (0 when it has none). */
export function allocatableOf(node: NodeInfo, name: string): number {
  switch (name) {
    case 'cpu':
      return node.allocatable.milliCPU;
    case 'memory':
      return node.allocatable.memory;
    case 'ephemeral-storage':
      return node.allocatable.ephemeralStorage;
    default:
      return node.allocatable.scalar.get(name) ?? 0;
  }
}

/**
 * What the node's pods request of one resource, as upstream's calculateResourceAllocatableRequest reads
 * it: the non-zero sums for CPU and memory unless `useRequested`. (Callers add the pod's own request,
 * and leave out an extended resource the pod does not request.)
 */
export function requestedOn(node: NodeInfo, name: string, useRequested: boolean): number {
  switch (name) {
    case 'cpu':
      return useRequested ? node.requested.milliCPU : node.nonZeroMilliCPU;
    case 'memory':
      return useRequested ? node.requested.memory : node.nonZeroMemory;
    case 'ephemeral-storage':
      return node.requested.ephemeralStorage;
    default:
      return node.requested.scalar.get(name) ?? 0;
  }
}

/** Whether a resource is CPU, memory or ephemeral storage (always scored), not an extended one. */
export function isNativeResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name === 'ephemeral-storage';
}
