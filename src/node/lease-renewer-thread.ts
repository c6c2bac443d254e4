import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../api/module-worker.js';
import { defaultLogger, type ConnectionConfig, type Logger } from '../client/index.js';
import type { NodeLeaseRenewer } from './lease-renewer.js';

/** What the renewer thread is started with: how to reach the API server and the renewer's settings. */
export interface LeaseThreadData {
  connection: ConnectionConfig;
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
  concurrency?: number;
  /** How often the thread reports the renewals it made; 250 ms by default. */
  reportIntervalMs: number;
}

/** What the parent tells the renewer thread. */
export type LeaseThreadRequest = { type: 'add'; name: string; uid?: string } | { type: 'remove'; name: string };

/**
 * What the thread tells its parent: the renewals since its last report (node name and time, ms since
 * the epoch, with the counts since then), and log lines, which the parent's logger writes.
 */
export type LeaseThreadReport = { type: 'renewed'; renewed: [string, number][]; renewals: number; failures: number } | { type: 'log'; message: string; error?: string };

export interface LeaseRenewerThreadOptions {
  /** The API server and credentials the thread builds its own client from (strings and Buffers cross threads). */
  connection: ConnectionConfig;
  /** As `LeaseRenewer`'s: 10 000 ms, 40 s and 32 in flight by default. */
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
  concurrency?: number;
  /** How often the thread reports renewals back; 250 ms by default. */
  reportIntervalMs?: number;
  logger?: Logger;
}

interface Tracked {
  uid?: string;
  lastRenewed?: number;
}

/** A restarted thread waits this long at first, doubling up to the maximum while it keeps dying. */
const firstRestartDelayMs = 200;
const maxRestartDelayMs = 5000;

/**
 * Renews node Leases from a worker thread of its own, running a `LeaseRenewer` over its own API
 * client there, so a parent event loop kept busy by pod work (a large simulated fleet's) cannot make
 * heartbeats late and Leases lapse. The parent keeps the node list and the last renewal times the
 * thread reports back in batches; a thread that dies is logged and started again with the whole list.
 * Like `LeaseRenewer`'s timer, the thread does not hold the process open; `stop()` terminates it.
 */
export class LeaseRenewerThread implements NodeLeaseRenewer {
  /** Counts reported by the thread (across restarts), and how often it was restarted. */
  readonly stats = { renewals: 0, failures: 0, restarts: 0 };
  private readonly entries = new Map<string, Tracked>();
  private readonly data: LeaseThreadData;
  private readonly log: Logger;
  private worker: Worker | undefined;
  private running = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs = firstRestartDelayMs;
  private ended: Promise<void> | undefined;

  constructor(opts: LeaseRenewerThreadOptions) {
    this.data = {
      connection: opts.connection,
      renewIntervalMs: opts.renewIntervalMs,
      leaseDurationSeconds: opts.leaseDurationSeconds,
      concurrency: opts.concurrency,
      reportIntervalMs: opts.reportIntervalMs ?? 250,
    };
    this.log = opts.logger ?? defaultLogger;
  }

  /** The thread running now, if any (for diagnostics and tests). */
  get thread(): Worker | undefined {
    return this.worker;
  }

  add(name: string, uid?: string): void {
    let entry = this.entries.get(name);
    if (!entry) this.entries.set(name, (entry = {}));
    entry.uid = uid ?? entry.uid;
    this.post({ type: 'add', name, uid: entry.uid });
  }

  remove(name: string): void {
    if (this.entries.delete(name)) this.post({ type: 'remove', name });
  }

  lastRenewed(name: string): number | undefined {
    return this.entries.get(name)?.lastRenewed;
  }

  start(signal?: AbortSignal): void {
    if (this.running || signal?.aborted) return;
    this.running = true;
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    this.spawn();
  }

  /** Stops renewing; resolves once the thread has ended. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    // A second stop (the signal's, then the host's) waits for the same thread to end.
    if (worker) this.ended = worker.terminate().then(() => undefined);
    await this.ended;
  }

  private post(request: LeaseThreadRequest): void {
    this.worker?.postMessage(request);
  }

  private spawn(): void {
    const worker = startModuleWorker(import.meta.url, 'lease-renewer-worker', { workerData: this.data });
    worker.unref();
    this.worker = worker;
    for (const [name, e] of this.entries) worker.postMessage({ type: 'add', name, uid: e.uid } satisfies LeaseThreadRequest);
    worker.on('message', (m: LeaseThreadReport) => {
      if (this.worker !== worker) return;
      if (m.type === 'log') {
        this.log(m.message, m.error === undefined ? undefined : new Error(m.error));
        return;
      }
      this.stats.renewals += m.renewals;
      this.stats.failures += m.failures;
      if (m.renewals > 0) this.restartDelayMs = firstRestartDelayMs;
      for (const [name, at] of m.renewed) {
        const e = this.entries.get(name);
        // A node removed meanwhile stays removed.
        if (e && (e.lastRenewed === undefined || at > e.lastRenewed)) e.lastRenewed = at;
      }
    });
    worker.on('error', (e) => {
      if (this.worker === worker) this.log('the node Lease renewer thread failed', e);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!this.running) return;
      const delay = this.restartDelayMs;
      this.restartDelayMs = Math.min(delay * 2, maxRestartDelayMs);
      this.stats.restarts++;
      this.log(`the node Lease renewer thread exited (code ${code}); starting it again in ${delay} ms`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.running) this.spawn();
      }, delay);
      this.restartTimer.unref?.();
    });
  }
}
