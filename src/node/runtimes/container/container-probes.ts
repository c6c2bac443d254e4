import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { resolvePort } from './lifecycle-hooks.js';

export type ProbeKind = 'Startup' | 'Liveness' | 'Readiness';

/** What probing a container needs: exec in it, and the pod's address. */
export interface ProbeTarget {
  exec(command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  podIP: string;
  container: Container;
}

export interface ProbeResult {
  ok: boolean;
  /** Why it failed, worded as kubelet's events (`HTTP probe failed with statuscode: 500`). */
  output: string;
}

/** Runs one probe once: exec (exit 0), httpGet (200..399), tcpSocket (connects), within the timeout. */
export async function probeOnce(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.exec) {
      const r = await target.exec(probe.exec.command ?? [], timeoutMs);
      return { ok: r.exitCode === 0, output: r.output.trim() || `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${r.exitCode}` };
    }
    if (probe.httpGet) {
      const g = probe.httpGet;
      const port = resolvePort(g.port, target.container);
      const host = g.host || target.podIP;
      const path = g.path ? (g.path.startsWith('/') ? g.path : `/${g.path}`) : '/';
      const url = new URL(`${(g.scheme ?? 'HTTP').toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`);
      const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.30', Accept: '*/*' };
      for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
      const code = await new Promise<number>((resolve, reject) => {
        const req = (url.protocol === 'https:' ? httpsRequest : request)(url, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('timeout', () => req.destroy(new Error(`Get "${url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
        req.on('error', (e) => reject(new Error(/Get "/.test(e.message) ? e.message : `Get "${url.href}": dial tcp ${url.host}: ${connectError(e)}`)));
        req.end();
      });
      return code >= 200 && code < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` };
    }
    if (probe.tcpSocket) {
      const port = resolvePort(probe.tcpSocket.port, target.container);
      const host = probe.tcpSocket.host || target.podIP;
      await new Promise<void>((resolve, reject) => {
        const sock = connect({ host, port, timeout: timeoutMs });
        sock.once('connect', () => {
          sock.destroy();
          resolve();
        });
        sock.once('timeout', () => {
          sock.destroy();
          reject(new Error(`dial tcp ${host}:${port}: i/o timeout`));
        });
        sock.once('error', (e) => reject(new Error(`dial tcp ${host}:${port}: ${connectError(e)}`)));
      });
      return { ok: true, output: '' };
    }
    return { ok: false, output: 'probe has no handler this node supports (grpc probes are not supported yet)' };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
}

function connectError(e: Error): string {
  const code = (e as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connect: connection refused';
  if (code === 'EHOSTUNREACH') return 'connect: no route to host';
  return e.message;
}

export interface ContainerProbesEvents {
  /** Readiness changed (false until the first success when a readiness probe exists). */
  ready(ready: boolean): void;
  /** Startup or liveness failed `failureThreshold` times: the container is to be restarted. */
  failed(kind: ProbeKind, output: string): void;
  /** The startup probe passed (only called when there is one). */
  started?(): void;
  /** One failed probe, for the `Unhealthy` event. */
  unhealthy(kind: ProbeKind, output: string): void;
}

/**
 * A container's probes, as kubelet's prober workers run them: the startup probe first (liveness and
 * readiness wait for it), each on its period after its initial delay, with success and failure
 * thresholds. Readiness reports through `ready`; liveness and startup failures through `failed`.
 */
export class ContainerProbes {
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private inFlight = new Set<ProbeKind>();

  constructor(
    private readonly target: ProbeTarget,
    private readonly events: ContainerProbesEvents,
  ) {}

  /** True when the container has a readiness probe (so it is not ready until it passes). */
  get gatesReadiness(): boolean {
    return !!this.target.container.readinessProbe;
  }

  start(): void {
    const c = this.target.container;
    if (c.startupProbe)
      this.run('Startup', c.startupProbe, () => {
        this.events.started?.();
        this.afterStartup();
      });
    else this.afterStartup();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private afterStartup(): void {
    const c = this.target.container;
    if (c.livenessProbe) this.run('Liveness', c.livenessProbe);
    if (c.readinessProbe) this.run('Readiness', c.readinessProbe);
  }

  private run(kind: ProbeKind, probe: Probe, onStarted?: () => void): void {
    const period = Math.max(1, probe.periodSeconds ?? 10) * 1000;
    const successThreshold = kind === 'Readiness' ? Math.max(1, probe.successThreshold ?? 1) : 1;
    const failureThreshold = Math.max(1, probe.failureThreshold ?? 3);
    let successes = 0;
    let failures = 0;
    let healthy: boolean | undefined;
    const tick = async (): Promise<void> => {
      if (this.stopped || this.inFlight.has(kind)) return schedule();
      this.inFlight.add(kind);
      const r = await probeOnce(probe, this.target);
      this.inFlight.delete(kind);
      if (this.stopped) return;
      if (r.ok) {
        failures = 0;
        successes++;
        if (successes >= successThreshold && healthy !== true) {
          healthy = true;
          if (kind === 'Readiness') this.events.ready(true);
          if (kind === 'Startup') {
            onStarted?.();
            return;
          }
        }
      } else {
        successes = 0;
        failures++;
        this.events.unhealthy(kind, r.output);
        if (failures >= failureThreshold && healthy !== false) {
          healthy = false;
          if (kind === 'Readiness') this.events.ready(false);
          else {
            this.events.failed(kind, r.output);
            return;
          }
        }
      }
      schedule();
    };
    const schedule = (delay = period): void => {
      if (this.stopped) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        void tick();
      }, delay);
      this.timers.add(t);
    };
    schedule((probe.initialDelaySeconds ?? 0) * 1000);
  }
}
