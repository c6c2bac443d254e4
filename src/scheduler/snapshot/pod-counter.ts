import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/**
 * How many pods matching one predicate (an affinity term, a spread selector) sit on each node, and per
 * topology domain. Registered once by the first pod that needs it, filled by one scan of the pods, then
 * kept current on every pod add and removal, so later pods read domain counts without scanning pods.
 */
export class PodCounter {
  /** Matching pods per node slot. */
  perNode = new Int32Array(64);
  /** Matching pods on all nodes. */
  total = 0;
  /** topologyKey -> value -> count (no zero entries), built on first request and then maintained. */
  private readonly domains = new Map<string, Map<string, number>>();
  /** The last scheduling cycle that read this counter, for eviction. */
  lastUsed = 0;

  constructor(
    readonly key: string,
    readonly matches: (pod: PodInfo) => boolean,
  ) {}

  /** Counts `pod` (sign 1) or uncounts it (sign -1) on `node` if it matches. */
  apply(pod: PodInfo, node: NodeInfo, sign: 1 | -1): void {
    if (!this.matches(pod)) return;
    this.bump(node, sign);
  }

  bump(node: NodeInfo, delta: number): void {
    if (node.slot >= this.perNode.length) {
      const grown = new Int32Array(Math.max(node.slot + 1, this.perNode.length * 2));
      grown.set(this.perNode);
      this.perNode = grown;
    }
    this.perNode[node.slot]! += delta;
    this.total += delta;
    for (const [key, m] of this.domains) {
      const v = node.labels[key];
      if (v !== undefined) addCount(m, v, delta);
    }
  }

  /** Moves a node's count between domains after its labels changed. */
  relabel(node: NodeInfo, oldLabels: Readonly<Record<string, string>>): void {
    const c = this.onNode(node);
    if (c === 0) return;
    for (const [key, m] of this.domains) {
      const before = oldLabels[key];
      const after = node.labels[key];
      if (before === after) continue;
      if (before !== undefined) addCount(m, before, -c);
      if (after !== undefined) addCount(m, after, c);
    }
  }

  onNode(node: NodeInfo): number {
    return node.slot < this.perNode.length ? this.perNode[node.slot]! : 0;
  }

  /** value -> matching pods for a topology key, over the nodes carrying that key. */
  domainCounts(key: string, nodes: readonly NodeInfo[]): ReadonlyMap<string, number> {
    let m = this.domains.get(key);
    if (!m) {
      m = new Map();
      for (const n of nodes) {
        const c = this.onNode(n);
        if (c === 0) continue;
        const v = n.labels[key];
        if (v !== undefined) addCount(m, v, c);
      }
      this.domains.set(key, m);
    }
    return m;
  }
}

export function addCount(m: Map<string, number>, k: string, delta: number): void {
  const n = (m.get(k) ?? 0) + delta;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}
