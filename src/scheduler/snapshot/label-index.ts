import type { NodeInfo } from './node-info.js';

/** Node lists per label value: key -> value -> nodes. Kept on node add, update and removal. */
export class LabelIndex {
  private readonly byKey = new Map<string, Map<string, Set<NodeInfo>>>();
  private readonly countByKey = new Map<string, number>();

  add(n: NodeInfo, labels: Readonly<Record<string, string>> = n.labels): void {
    for (const k in labels) {
      const v = labels[k]!;
      let values = this.byKey.get(k);
      if (!values) this.byKey.set(k, (values = new Map()));
      let nodes = values.get(v);
      if (!nodes) values.set(v, (nodes = new Set()));
      nodes.add(n);
      this.countByKey.set(k, (this.countByKey.get(k) ?? 0) + 1);
    }
  }

  remove(n: NodeInfo, labels: Readonly<Record<string, string>> = n.labels): void {
    for (const k in labels) {
      const values = this.byKey.get(k);
      const nodes = values?.get(labels[k]!);
      if (!nodes?.delete(n)) continue;
      if (nodes.size === 0) values!.delete(labels[k]!);
      if (values!.size === 0) this.byKey.delete(k);
      const c = (this.countByKey.get(k) ?? 1) - 1;
      if (c) this.countByKey.set(k, c);
      else this.countByKey.delete(k);
    }
  }

  /** The values of `key` in use, each with its nodes; an empty map for an unknown key. */
  values(key: string): ReadonlyMap<string, ReadonlySet<NodeInfo>> {
    return this.byKey.get(key) ?? empty;
  }

  /** How many nodes carry the label `key`. */
  nodesWithKey(key: string): number {
    return this.countByKey.get(key) ?? 0;
  }
}

const empty: ReadonlyMap<string, ReadonlySet<NodeInfo>> = new Map();
