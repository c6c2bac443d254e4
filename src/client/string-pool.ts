/**
 * Shares equal strings between cached objects. JSON.parse gives every object its own copy of each string
 * value: every pod in a cache has its own image name, node name, toleration keys, volume paths and
 * timestamps that a thousand other pods share. A thread caching 150,000 pods held millions of such copies,
 * each one more object for every full collection to visit.
 *
 * The pool remembers strings in two generations of `generationSize` each: a string met again while it is
 * in either is shared and kept in the newer one; a string not met for a whole generation is forgotten. So
 * values that recur stay pooled, and unique ones (uids, names, resourceVersions) pass through without
 * accumulating: the pool never holds more than two generations' worth.
 */
export class StringPool {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();

  constructor(
    private readonly generationSize = 65_536,
    /** Longer strings are rarely shared (messages, certificates) and are left alone. */
    private readonly maxLength = 256,
  ) {}

  /** The pooled string equal to `s` (`s` itself the first time). */
  intern(s: string): string {
    if (s.length > this.maxLength) return s;
    const pooled = this.current.get(s);
    if (pooled !== undefined) return pooled;
    const kept = this.previous.get(s) ?? s;
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(kept, kept);
    return kept;
  }

  /** Strings the pool holds now (both generations, counted once each). */
  get size(): number {
    let n = this.current.size;
    for (const s of this.previous.keys()) if (!this.current.has(s)) n++;
    return n;
  }

  /** Replaces, in place, every string value inside `value` (nested objects and arrays) by its pooled copy. */
  internValues(value: object): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = this.intern(v);
        else if (v !== null && typeof v === 'object') this.internValues(v);
      }
      return;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (typeof v === 'string') record[key] = this.intern(v);
      else if (v !== null && typeof v === 'object') this.internValues(v);
    }
  }
}
