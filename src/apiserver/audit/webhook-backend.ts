import http from 'node:http';
import https from 'node:https';
import { loadWebhookTarget, type WebhookTarget } from './load-webhook-target.js';
import type { AuditBackend, AuditEvent, AuditEventList } from './types.js';

export interface WebhookBackendOptions {
  /** Events per POST (kube-apiserver: 400). */
  batchMaxSize?: number;
  /** How long a partial batch waits for more events (kube-apiserver: 30 s). */
  batchMaxWaitMs?: number;
  /** Events held while the webhook is slow or down; more are dropped and counted (kube-apiserver: 10000). */
  bufferSize?: number;
  /** First wait before retrying a failed batch; each retry waits 1.5 times longer (kube-apiserver: 10 s). */
  initialBackoffMs?: number;
  /** Retries of one batch before it is dropped. */
  maxRetries?: number;
  /** Per request. */
  timeoutMs?: number;
  /** How long `close()` keeps trying to deliver what is buffered. */
  closeTimeoutMs?: number;
  onError?: (err: Error) => void;
}

/** What became of the events handed to the backend. */
export interface WebhookStats {
  sent: number;
  /** Refused because the buffer was full, or given up on after the retries. */
  dropped: number;
  failedRequests: number;
}

class RetryableError extends Error {}

/**
 * Posts audit.k8s.io/v1 EventLists to the webhook a kubeconfig-format file names, as kube-apiserver's batch webhook
 * backend does: events collect until a batch is full or has waited long enough; one batch is in flight at a time, so
 * the receiver sees events in order; failures (connection errors, 429, 5xx) are retried with growing waits. The
 * request path only ever appends to a bounded buffer.
 */
export class WebhookBackend implements AuditBackend {
  readonly stats: WebhookStats = { sent: 0, dropped: 0, failedRequests: 0 };
  private readonly target: WebhookTarget;
  private readonly batchMaxSize: number;
  private readonly batchMaxWaitMs: number;
  private readonly bufferSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly closeTimeoutMs: number;
  private readonly onError: (err: Error) => void;
  private readonly agent: http.Agent;
  private buffer: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;
  private abandoned = false;

  /** Reads the config file at once; a broken one throws, naming the file, so the server does not start. */
  constructor(kubeconfigPath: string, options: WebhookBackendOptions = {}) {
    this.target = loadWebhookTarget(kubeconfigPath);
    this.batchMaxSize = Math.max(1, options.batchMaxSize ?? 400);
    this.batchMaxWaitMs = options.batchMaxWaitMs ?? 30_000;
    this.bufferSize = Math.max(this.batchMaxSize, options.bufferSize ?? 10_000);
    this.initialBackoffMs = options.initialBackoffMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.onError = options.onError ?? ((err) => process.stderr.write(`audit webhook ${this.target.url.href}: ${err.message}\n`));
    const tls = this.target.url.protocol === 'https:';
    this.agent = tls
      ? new https.Agent({
          keepAlive: true,
          ca: this.target.ca,
          cert: this.target.cert,
          key: this.target.key,
          rejectUnauthorized: !this.target.insecureSkipTLSVerify,
        })
      : new http.Agent({ keepAlive: true });
  }

  processEvents(events: readonly AuditEvent[]): void {
    if (this.closed) {
      this.stats.dropped += events.length;
      return;
    }
    for (const event of events) {
      if (this.buffer.length >= this.bufferSize) this.stats.dropped++;
      else this.buffer.push(event);
    }
    if (this.buffer.length >= this.batchMaxSize) this.startDrain();
    else if (this.buffer.length > 0 && this.timer === undefined && this.draining === undefined) {
      this.timer = setTimeout(() => this.startDrain(), this.batchMaxWaitMs);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let deadline: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      deadline = setTimeout(() => {
        this.abandoned = true;
        resolve();
      }, this.closeTimeoutMs);
    });
    this.startDrain();
    await Promise.race([this.draining ?? Promise.resolve(), expired]);
    clearTimeout(deadline);
    if (this.abandoned) {
      this.stats.dropped += this.buffer.length;
      this.buffer = [];
    }
    this.agent.destroy();
  }

  private startDrain(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.draining !== undefined) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // Events that arrived during the last POST wait for a full batch or the timer, like any others.
      if (this.buffer.length > 0 && !this.closed) this.processEvents([]);
    });
  }

  private async drain(): Promise<void> {
    // A full batch goes at once; a partial one only when the timer fired or the backend is closing.
    let first = true;
    while (this.buffer.length > 0 && !this.abandoned && (first || this.closed || this.buffer.length >= this.batchMaxSize)) {
      first = false;
      const batch = this.buffer.splice(0, this.batchMaxSize);
      await this.deliver(batch);
    }
  }

  private async deliver(batch: AuditEvent[]): Promise<void> {
    const list: AuditEventList = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: batch };
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(list));
    } catch (e) {
      this.stats.dropped += batch.length;
      this.onError(e as Error);
      return;
    }
    let wait = this.initialBackoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.post(body);
        this.stats.sent += batch.length;
        return;
      } catch (e) {
        this.stats.failedRequests++;
        const retry = e instanceof RetryableError && attempt < this.maxRetries && !this.abandoned;
        if (!retry) {
          this.stats.dropped += batch.length;
          this.onError(new Error(`dropped ${batch.length} audit events: ${(e as Error).message}`));
          return;
        }
        await sleep(wait * (1 + Math.random() * 0.2));
        wait *= 1.5;
      }
    }
  }

  private post(body: Buffer): Promise<void> {
    const url = this.target.url;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': String(body.length) };
    if (this.target.token) headers.Authorization = `Bearer ${this.target.token}`;
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        res.resume();
        res.on('error', (e) => reject(new RetryableError(e.message)));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve();
          else if (code === 429 || code >= 500) reject(new RetryableError(`webhook answered ${code}`));
          else reject(new Error(`webhook answered ${code}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new RetryableError(e.message)));
      req.end(body);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
