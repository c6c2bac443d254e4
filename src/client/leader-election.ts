import { isAlreadyExists, isConflict, isNotFound, type KubeObject } from '../api/index.js';
import { microTime } from '../api/rfc3339.js';
import type { ApiClient } from './api-client.js';
import { sleep } from './backoff.js';
import { defaultLogger, type Logger } from './informer.js';
import type { ResourceDescriptor } from './resource-descriptor.js';

const leases: ResourceDescriptor = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

export interface LeaderElectorOptions {
  /** The Lease that stands for the lock. */
  namespace: string;
  name: string;
  /** Unique per candidate, e.g. `${hostname}_${randomUUID()}`. */
  identity: string;
  /**
   * How long others wait after the last renewal they saw before taking over; 8 s by default (client-go
   * uses 15 s, but a candidate notices the last renewal up to a retry period late and acts up to one
   * after expiry, so a killed leader is replaced within lease + 2 x 1.2 x retry: 11.6 s, under 15 s
   * with room for a slow API server).
   */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before it gives up; 6 s by default. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew; 1.5 s by default. */
  retryPeriodMs?: number;
  /** Give the lease up when stopped, so another candidate takes over at once; true by default. */
  releaseOnCancel?: boolean;
  /** Called on becoming leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called after leadership ended (lost or stopped); not called by a candidate that never led. */
  onStoppedLeading?(): void;
  /** Called whenever the observed leader changes (including to ourselves). */
  onNewLeader?(identity: string): void;
  logger?: Logger;
}

/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go does it: candidates try to take
 * the lease every retry period; the holder renews it; a lease whose record has not changed for its
 * duration (by the candidate's own clock) may be taken over.
 *
 * @example
 * const elector = new LeaderElector(client, { namespace: 'kube-system', name: 'wharf-controller-manager',
 *   identity, onStartedLeading: (signal) => startControllers(signal) });
 * await elector.run(signal);
 */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private observedRecord = '';
  private observedTime = 0;
  private observedLeader = '';
  private leading = false;

  constructor(
    private readonly client: ApiClient,
    private readonly opts: LeaderElectorOptions,
  ) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 8_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 6_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 1_500;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new RangeError('leaseDurationMs must be greater than renewDeadlineMs');
    if (this.renewDeadlineMs <= this.retryPeriodMs * 1.2) throw new RangeError('renewDeadlineMs must be greater than 1.2 x retryPeriodMs');
    if (!opts.identity) throw new TypeError('A leader election candidate needs an identity');
    this.log = opts.logger ?? defaultLogger;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The identity of the last leader seen ('' when none). */
  get leader(): string {
    return this.observedLeader;
  }

  /**
   * Campaigns until it leads, then renews until leadership is lost or the signal aborts (releasing the
   * lease then). Resolves when it no longer leads; run it again to campaign again.
   */
  async run(signal: AbortSignal = new AbortController().signal): Promise<void> {
    while (!signal.aborted && !(await this.attempt(signal, this.retryPeriodMs))) {
      await sleep(this.retryPeriodMs * (1 + Math.random() * 0.2), signal);
    }
    if (signal.aborted) return;

    this.leading = true;
    const leadership = new AbortController();
    Promise.resolve()
      .then(() => this.opts.onStartedLeading(leadership.signal))
      .catch((e) => this.log(`leader election ${this.lockName}: onStartedLeading failed`, e));

    while (!signal.aborted && (await this.renew(signal))) await sleep(this.retryPeriodMs, signal);
    if (!signal.aborted) this.log(`leader election ${this.lockName}: lost the lease`);

    this.leading = false;
    leadership.abort();
    if (signal.aborted && (this.opts.releaseOnCancel ?? true)) await this.release();
    this.opts.onStoppedLeading?.();
  }

  private get lockName(): string {
    return `${this.opts.namespace}/${this.opts.name}`;
  }

  /** Retries renewal until it succeeds or the renew deadline passes. */
  private async renew(signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + this.renewDeadlineMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted) return false;
      if (await this.attempt(signal, left)) return true;
      await sleep(Math.min(this.retryPeriodMs, deadline - Date.now()), signal);
    }
  }

  /** One try to acquire or renew; false when someone else holds the lease or the write failed. */
  private async attempt(signal: AbortSignal, budgetMs: number): Promise<boolean> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, budgetMs))]);
    try {
      return await this.tryAcquireOrRenew(timeout);
    } catch (e) {
      if (!signal.aborted) this.log(`leader election ${this.lockName}: cannot reach the lease`, e);
      return false;
    }
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = Date.now();
    const { namespace, name, identity } = this.opts;
    const durationSeconds = Math.max(1, Math.round(this.leaseDurationMs / 1000));
    let lease: Lease;
    try {
      lease = await this.client.get<Lease>(leases, name, { namespace, signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        const created = await this.client.create<Lease>(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec }, { signal });
        this.observe(created.spec ?? spec, Date.now());
        return true;
      } catch (err) {
        if (isAlreadyExists(err)) return false;
        throw err;
      }
    }

    const old = lease.spec ?? {};
    this.observe(old, now);
    const holder = old.holderIdentity ?? '';
    const heldMs = (old.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== '' && holder !== identity && this.observedTime + heldMs > now) return false;

    const mine = holder === identity;
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: durationSeconds,
      acquireTime: mine && old.acquireTime ? old.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: mine ? old.leaseTransitions ?? 0 : (old.leaseTransitions ?? 0) + 1,
    };
    try {
      const updated = await this.client.update<Lease>(leases, { ...lease, spec: { ...old, ...spec } }, { signal });
      this.observe(updated.spec ?? spec, Date.now());
      return true;
    } catch (e) {
      // Someone else wrote the lease since we read it: they won this round.
      if (isConflict(e)) return false;
      throw e;
    }
  }

  /** Notes the lease record, timing it by our own clock (other clocks may be skewed). */
  private observe(spec: LeaseSpec, now: number): void {
    const record = JSON.stringify([spec.holderIdentity ?? '', spec.leaseDurationSeconds, spec.acquireTime, spec.renewTime, spec.leaseTransitions]);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedTime = now;
    }
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.observedLeader) {
      this.observedLeader = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  /** Empties the holder so the next candidate need not wait out the lease. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.opts;
    try {
      const lease = await this.client.get<Lease>(leases, name, { namespace, signal: AbortSignal.timeout(this.renewDeadlineMs) });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = microTime(Date.now());
      const spec: LeaseSpec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
      await this.client.update<Lease>(leases, { ...lease, spec }, { signal: AbortSignal.timeout(this.renewDeadlineMs) });
    } catch (e) {
      this.log(`leader election ${this.lockName}: releasing the lease failed`, e);
    }
  }
}
