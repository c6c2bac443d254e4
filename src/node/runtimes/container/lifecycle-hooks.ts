import type { Container, LifecycleHandler } from 'kubernetes-types/core/v1.js';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What running a hook needs from the runtime: a way to exec in the container, and where the pod is. */
export interface HookContext {
  exec(command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  podIP: string;
  container: Container;
  timeoutMs: number;
}

/** A named port of the container, or the number itself. */
export function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = (container.ports ?? []).find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${JSON.stringify(container.ports ?? [])}`);
  return p.containerPort;
}

function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : request)(url, { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url.href}": context deadline exceeded`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Runs a postStart or preStop handler as kubelet does: `exec` in the container (failing on a non-zero
 * exit), `httpGet` against the pod (failing on a status outside 200..399), or `sleep`. Throws with
 * the reason; resolves when the handler is done.
 */
export async function runLifecycleHandler(handler: LifecycleHandler, ctx: HookContext): Promise<void> {
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    const r = await ctx.exec(cmd, ctx.timeoutMs);
    if (r.exitCode !== 0) throw new Error(`command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.output}`);
    return;
  }
  if (handler.httpGet) {
    const g = handler.httpGet;
    const port = resolvePort(g.port, ctx.container);
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const host = g.host || ctx.podIP;
    const path = g.path ? (g.path.startsWith('/') ? g.path : `/${g.path}`) : '/';
    const url = new URL(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`);
    const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/1.30' };
    for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
    const code = await httpGet(url, headers, ctx.timeoutMs);
    if (code < 200 || code >= 400) throw new Error(`HTTP lifecycle hook (${path}) for Container "${ctx.container.name}" failed - error: Get "${url.href}": status ${code}`);
    return;
  }
  const sleep = (handler as { sleep?: { seconds: number } }).sleep;
  if (sleep) {
    await new Promise((r) => setTimeout(r, Math.min(sleep.seconds * 1000, ctx.timeoutMs)));
    return;
  }
  // tcpSocket is accepted by the API for compatibility and does nothing, as in kubelet.
}
