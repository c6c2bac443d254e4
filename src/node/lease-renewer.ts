import { isConflict, isNotFound, type KubeObject } from '../api/index.js';
import { microTime } from '../api/rfc3339.js';
import { defaultLogger, type ApiClient, type Logger, type ResourceDescriptor } from '../client/index.js';

export const nodeLeaseNamespace = 'kube-node-lease';

export interface LeaseRenewerOptions {
  client: ApiClient;
  leases: ResourceDescriptor;
  /** How often each Lease is renewed; 10 000 ms by default, as kubelet (a quarter of the duration). */
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
  /** Renewals in flight at once, across all nodes. */
  concurrency?: number;
  logger?: Logger;
  /** Told of each successful renewal (the thread-backed renewer reports them to its parent). */
  onRenewed?: (name: string, at: number) => void;
}

/**
 * What a node host asks of whatever renews its nodes' Leases: `LeaseRenewer` on the host's own event
 * loop, or `LeaseRenewerThread` on a thread of its own.
 */
export interface NodeLeaseRenewer {
  /** Starts renewing a node's Lease, the first time at once. `uid` makes the Node the Lease's owner. */
  add(name: string, uid?: string): void;
  remove(name: string): void;
  /** When the node's Lease was last renewed (ms since the epoch); undefined before the first renewal. */
  lastRenewed(name: string): number | undefined;
  start(signal?: AbortSignal): void;
  /** Stops renewing; a thread-backed renewer resolves once its thread has ended. */
  stop(): void | Promise<void>;
  readonly stats: { readonly renewals: number; readonly failures: number };
}

interface Entry {
  name: string;
  uid?: string;
  lease?: KubeObject;
  nextAt: number;
  failures: number;
  queued: boolean;
  lastRenewed?: number;
}

/**
 * Renews the node Leases (`kube-node-lease/<node>`) of every node agent in a process from one timer,
 * with a bounded number of requests in flight, so thousands of simulated nodes cost a scan and a PUT
 * each per interval. Each renewal waits the interval plus up to 4 % jitter (as kubelet's); failures
 * retry after 200 ms doubling to 7 s, well inside the 40 s a Lease lasts.
 */
export class LeaseRenewer implements NodeLeaseRenewer {
  readonly intervalMs: number;
  readonly durationSeconds: number;
  readonly stats = { renewals: 0, failures: 0 };
  private readonly entries = new Map<string, Entry>();
  private readonly due: Entry[] = [];
  private readonly concurrency: number;
  private readonly log: Logger;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly opts: LeaseRenewerOptions) {
    this.intervalMs = opts.renewIntervalMs ?? 10_000;
    this.durationSeconds = opts.leaseDurationSeconds ?? 40;
    this.concurrency = opts.concurrency ?? 32;
    this.log = opts.logger ?? defaultLogger;
  }

  /** Starts renewing a node's Lease, the first time at once. `uid` makes the Node the Lease's owner. */
  add(name: string, uid?: string): void {
    const existing = this.entries.get(name);
    if (existing) {
      existing.uid = uid ?? existing.uid;
      return;
    }
    const entry: Entry = { name, uid, nextAt: 0, failures: 0, queued: false };
    this.entries.set(name, entry);
    if (this.running) this.enqueue(entry);
  }

  remove(name: string): void {
    this.entries.delete(name);
  }

  /** When the node's Lease was last renewed (ms since the epoch). */
  lastRenewed(name: string): number | undefined {
    return this.entries.get(name)?.lastRenewed;
  }

  start(signal?: AbortSignal): void {
    if (this.running) return;
    this.running = true;
    signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (!this.running) return;
    const now = Date.now();
    let next = now + Math.min(1000, this.intervalMs);
    for (const e of this.entries.values()) {
      if (e.queued) continue;
      if (e.nextAt <= now) this.enqueue(e);
      else if (e.nextAt < next) next = e.nextAt;
    }
    this.pump();
    this.timer = setTimeout(() => this.tick(), Math.max(10, next - Date.now()));
    this.timer.unref?.();
  }

  private enqueue(e: Entry): void {
    e.queued = true;
    this.due.push(e);
    this.pump();
  }

  private pump(): void {
    while (this.running && this.inFlight < this.concurrency && this.due.length > 0) {
      const e = this.due.shift()!;
      if (this.entries.get(e.name) !== e) continue;
      this.inFlight++;
      void this.renew(e).finally(() => {
        this.inFlight--;
        e.queued = false;
        this.pump();
      });
    }
  }

  private async renew(e: Entry): Promise<void> {
    const { client, leases } = this.opts;
    const now = Date.now();
    const spec = { holderIdentity: e.name, leaseDurationSeconds: this.durationSeconds, renewTime: microTime(now) };
    try {
      if (!e.lease) {
        try {
          e.lease = await client.get(leases, e.name, { namespace: nodeLeaseNamespace });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      const ownerReferences = e.uid ? [{ apiVersion: 'v1', kind: 'Node', name: e.name, uid: e.uid }] : undefined;
      if (!e.lease) {
        e.lease = await client.create(leases, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: e.name, namespace: nodeLeaseNamespace, ...(ownerReferences ? { ownerReferences } : {}) },
          spec,
        });
      } else {
        const metadata = { ...e.lease.metadata };
        if (ownerReferences && !metadata.ownerReferences?.some((r) => r.uid === e.uid)) metadata.ownerReferences = ownerReferences;
        e.lease = await client.update(leases, { ...e.lease, metadata, spec: { ...(e.lease.spec as object), ...spec } });
      }
      e.failures = 0;
      e.lastRenewed = now;
      this.stats.renewals++;
      this.opts.onRenewed?.(e.name, now);
      e.nextAt = Date.now() + this.intervalMs * (1 + 0.04 * Math.random());
    } catch (err) {
      this.stats.failures++;
      // A stale copy (conflict) or a Lease deleted meanwhile: read it again next time.
      if (isConflict(err) || isNotFound(err)) e.lease = undefined;
      else if (e.failures === 0) this.log(`renewing the Lease of node "${e.name}" failed, will retry`, err);
      e.nextAt = Date.now() + Math.min(200 * 2 ** e.failures, 7000);
      e.failures++;
    }
  }
}
