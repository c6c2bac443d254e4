import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseMilli, parseValue } from '../../api/validation/quantity.js';

/** Requests or capacity as plain numbers: CPU in millicores, everything else in whole units (bytes). */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Allocatable only: the node's `pods` capacity. */
  allowedPods: number;
  /** Extended resources, hugepages and the like, by resource name; absent means zero. */
  scalar: Map<string, number>;
}

/** The requests upstream substitutes for a container that names none, for scoring only (100m, 200Mi). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPods: 0, scalar: new Map() };
}

export function cloneResource(r: Resource): Resource {
  return { ...r, scalar: new Map(r.scalar) };
}

/** Whether a resource name is counted as a scalar (extended, hugepages, attachable volumes...). */
export function isScalarResourceName(name: string): boolean {
  return name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && name !== 'pods' && name !== 'storage';
}

type ResourceList = Record<string, string | number> | undefined;

function quantity(name: string, v: string | number): number {
  return (name === 'cpu' ? parseMilli(v) : parseValue(v)) ?? 0;
}

function addList(r: Resource, list: ResourceList): void {
  if (!list) return;
  for (const name in list) {
    const q = quantity(name, list[name]!);
    switch (name) {
      case 'cpu':
        r.milliCPU += q;
        break;
      case 'memory':
        r.memory += q;
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += q;
        break;
      case 'pods':
        r.allowedPods += q;
        break;
      default:
        if (isScalarResourceName(name)) r.scalar.set(name, (r.scalar.get(name) ?? 0) + q);
    }
  }
}

function addResource(into: Resource, r: Resource): void {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + v);
}

function maxResource(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

/** A node's allocatable (falling back to capacity, as a node without status.allocatable reports). */
export function nodeAllocatable(list: ResourceList): Resource {
  const r = emptyResource();
  addList(r, list);
  return r;
}

function containerRequests(c: Container, nonZero: boolean): Resource {
  const r = emptyResource();
  const reqs = c.resources?.requests as ResourceList;
  addList(r, reqs);
  if (nonZero) {
    if (!reqs || reqs.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!reqs || reqs.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective requests as the scheduler counts them (upstream `PodRequests`): the sum of the
 * regular containers and of the sidecars (init containers with restartPolicy Always), or the largest
 * init-container step if that is more (each plain init container runs beside the sidecars started
 * before it), plus the pod overhead. With `nonZero`, containers naming no CPU or memory count 100m/200Mi.
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const reqs = emptyResource();
  for (const c of pod.spec?.containers ?? []) addResource(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of pod.spec?.initContainers ?? []) {
    const cr = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResource(reqs, cr);
      addResource(sidecars, cr);
      maxResource(initMax, sidecars);
    } else {
      addResource(cr, sidecars);
      maxResource(initMax, cr);
    }
  }
  maxResource(reqs, initMax);
  addList(reqs, pod.spec?.overhead as ResourceList);
  return reqs;
}
