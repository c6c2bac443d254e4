/**
 * One shared instance per distinct string. Label keys and values repeat across thousands of nodes and
 * pods ("topology.kubernetes.io/zone", "zone-a"); interning them keeps one copy in memory and lets map
 * lookups hit strings whose hash is already computed.
 */
export class Interner {
  private readonly table = new Map<string, string>();

  intern(s: string): string {
    const have = this.table.get(s);
    if (have !== undefined) return have;
    this.table.set(s, s);
    return s;
  }

  /** A copy of `labels` whose keys and values are interned. */
  labels(labels: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    if (labels) for (const k in labels) out[this.intern(k)] = this.intern(labels[k]!);
    return out;
  }

  get size(): number {
    return this.table.size;
  }
}
