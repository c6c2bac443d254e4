import type { KubeObject } from '../../api/index.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** Kubernetes' zone key: region and zone joined by `:\0:`; empty when the node has neither label. */
export function zoneKey(node: KubeObject): string {
  const labels = node.metadata.labels ?? {};
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (!region && !zone) return '';
  return `${region}:\x00:${zone}`;
}

/** A zone key for logs and events: `region/zone`. */
export function zoneName(key: string): string {
  return key === '' ? '<no zone>' : key.replace(':\x00:', '/');
}

/**
 * A zone's state from its nodes' Ready statuses (undefined = never reported): fully disrupted when none
 * is Ready, partially when more than two and at least `threshold` of them are not Ready.
 */
export function computeZoneState(readyStatuses: readonly (string | undefined)[], threshold: number): { notReady: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const s of readyStatuses) {
    if (s === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= threshold) return { notReady, state: 'PartialDisruption' };
  return { notReady, state: 'Normal' };
}

/** A token bucket with a burst of one: `qps` 0 never lets anything through. */
export class TokenBucket {
  private tokens = 1;
  private last: number;

  constructor(
    readonly qps: number,
    private readonly now: () => number = Date.now,
  ) {
    this.last = now();
  }

  tryTake(): boolean {
    if (this.qps <= 0) return false;
    const t = this.now();
    this.tokens = Math.min(1, this.tokens + ((t - this.last) / 1000) * this.qps);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket is empty right now (so a replacement should start empty too). */
  get saturated(): boolean {
    return this.qps > 0 && this.tokens + ((this.now() - this.last) / 1000) * this.qps < 1;
  }
}

/**
 * Nodes of one zone waiting for their NoExecute taint, first come first served at the zone's rate
 * (Kubernetes' RateLimitedTimedQueue): each pass takes tokens while it can and hands nodes out in order.
 */
export class ZoneEvictionQueue {
  private readonly items = new Map<string, number>();
  limiter: TokenBucket;

  constructor(
    qps: number,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new TokenBucket(qps, now);
  }

  /** Queues a node; false when it already waits. */
  add(name: string): boolean {
    if (this.items.has(name)) return false;
    this.items.set(name, this.now());
    return true;
  }

  remove(name: string): boolean {
    return this.items.delete(name);
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  get size(): number {
    return this.items.size;
  }

  /** Changes the rate; an empty bucket stays empty so a rate change is no free pass. */
  setRate(qps: number): void {
    if (qps === this.limiter.qps) return;
    const saturated = this.limiter.saturated;
    this.limiter = new TokenBucket(qps, this.now);
    if (saturated) this.limiter.tryTake();
  }

  /**
   * Hands nodes out in order while tokens last; `fn` says whether the node is done (removed) or should
   * be retried on a later pass (it keeps its place).
   */
  async work(fn: (name: string) => Promise<boolean>): Promise<void> {
    for (const name of [...this.items.keys()]) {
      if (!this.items.has(name)) continue;
      if (!this.limiter.tryTake()) return;
      if (await fn(name)) this.items.delete(name);
    }
  }
}
