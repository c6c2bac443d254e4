/**
 * Remembers the results of a function of short strings, at most `limit` of them: when full it forgets
 * everything at once, which keeps it cheap and bounded whatever strings clients send. Keys longer than
 * `maxKeyLength` are never remembered.
 */
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(
    private readonly compute: (key: string) => V,
    private readonly limit = 4096,
    private readonly maxKeyLength = 64,
  ) {}

  get(key: string): V {
    let v = this.values.get(key);
    if (v === undefined && !this.values.has(key)) {
      v = this.compute(key);
      if (key.length <= this.maxKeyLength) {
        if (this.values.size >= this.limit) this.values.clear();
        this.values.set(key, v);
      }
    }
    return v as V;
  }
}
