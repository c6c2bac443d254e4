/**
 * Per pod and image back-off between failed pulls, as kubelet keeps it (10 s doubling to 300 s): while a
 * key is backing off the runtime reports ImagePullBackOff instead of pulling again.
 */
export class PullBackoff {
  private readonly entries = new Map<string, { delayMs: number; lastFailure: number }>();

  constructor(
    private readonly initialMs = 10_000,
    private readonly maxMs = 300_000,
  ) {}

  /** kubelet's key: `<pod uid>_<image as written in the container>`. */
  static key(podUid: string, image: string): string {
    return `${podUid}_${image}`;
  }

  /** True while the last failure of `key` is more recent than its current delay. */
  isBackingOff(key: string, now = Date.now()): boolean {
    const e = this.entries.get(key);
    return e !== undefined && now - e.lastFailure < e.delayMs;
  }

  /** Records a failed pull: the first waits `initialMs`, each next one twice as long up to `maxMs`. */
  failed(key: string, now = Date.now()): number {
    const e = this.entries.get(key);
    // A key quiet for twice the maximum starts over, so an old failure does not punish a new pull.
    const delayMs = !e || now - e.lastFailure > 2 * this.maxMs ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastFailure: now });
    return delayMs;
  }

  /** A successful pull forgets the key. */
  succeeded(key: string): void {
    this.entries.delete(key);
  }

  /** Drops keys whose back-off lapsed long ago. */
  gc(now = Date.now()): void {
    for (const [k, e] of this.entries) if (now - e.lastFailure > 2 * this.maxMs) this.entries.delete(k);
  }
}
