import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { cloneResource, emptyResource, nodeAllocatable, type Resource } from './resource.js';

/** Host ports in use on a node: ip -> "protocol/port" set (upstream HostPortInfo). */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    let m = this.byIP.get(p.ip);
    if (!m) this.byIP.set(p.ip, (m = new Map()));
    const k = `${p.protocol}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const m = this.byIP.get(p.ip);
    if (!m) return;
    const k = `${p.protocol}/${p.port}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n > 0) m.set(k, n);
    else m.delete(k);
    if (m.size === 0) this.byIP.delete(p.ip);
  }

  /** Whether (ip, protocol, port) collides: 0.0.0.0 collides with every IP, and every IP with 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    if (p.port <= 0) return false;
    const k = `${p.protocol}/${p.port}`;
    if (p.ip === '0.0.0.0') {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return (this.byIP.get('0.0.0.0')?.has(k) ?? false) || (this.byIP.get(p.ip)?.has(k) ?? false);
  }

  get size(): number {
    return this.byIP.size;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, m] of this.byIP) c.byIP.set(ip, new Map(m));
    return c;
  }
}

/**
 * One node and the pods on it (assumed ones included), with the sums the filters and scores read:
 * allocatable, requested, non-zero requested, used host ports, and the pods carrying affinity terms.
 */
export class NodeInfo {
  node!: Node;
  name!: string;
  labels!: Readonly<Record<string, string>>;
  taints!: readonly Taint[];
  unschedulable!: boolean;
  allocatable!: Resource;
  requested: Resource = emptyResource();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  /** Bumped on every change, so per-node caches can tell they are stale. */
  generation = 0;

  /** `slot` is the node's dense index in the snapshot, used by per-node counter arrays. */
  constructor(
    node: Node,
    readonly slot: number,
  ) {
    this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    const st = node.status;
    this.allocatable = nodeAllocatable((st?.allocatable ?? st?.capacity) as Record<string, string> | undefined);
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.hasAffinity) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi, 1);
  }

  /** Removes the pod with `key`; returns the removed PodInfo. */
  removePod(key: string): PodInfo | undefined {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return undefined;
    const pi = this.pods[i]!;
    this.pods[i] = this.pods[this.pods.length - 1]!;
    this.pods.pop();
    if (pi.hasAffinity) removeFrom(this.podsWithAffinity, key);
    if (pi.requiredAntiAffinityTerms.length) removeFrom(this.podsWithRequiredAntiAffinity, key);
    this.update(pi, -1);
    return pi;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    const r = pi.requests;
    const req = this.requested;
    req.milliCPU += sign * r.milliCPU;
    req.memory += sign * r.memory;
    req.ephemeralStorage += sign * r.ephemeralStorage;
    for (const [k, v] of r.scalar) req.scalar.set(k, (req.scalar.get(k) ?? 0) + sign * v);
    this.nonZeroMilliCPU += sign * pi.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pi.nonZeroMemory;
    for (const p of pi.hostPorts) {
      if (sign > 0) this.usedPorts.add(p);
      else this.usedPorts.remove(p);
    }
    this.generation++;
  }

  /** A copy whose pod list and sums can change without touching this one (preemption dry runs). */
  clone(): NodeInfo {
    const c = Object.create(NodeInfo.prototype) as NodeInfo;
    Object.assign(c, this);
    c.requested = cloneResource(this.requested);
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = this.usedPorts.clone();
    return c;
  }
}

function removeFrom(list: PodInfo[], key: string): void {
  const i = list.findIndex((p) => p.key === key);
  if (i >= 0) {
    list[i] = list[list.length - 1]!;
    list.pop();
  }
}
