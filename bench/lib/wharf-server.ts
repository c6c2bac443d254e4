import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import type { ChildProcesses } from './child-processes.js';
import { httpRequest, type TlsCredentials } from './http-client.js';
import { wharfCommand, wharfNodeFlags } from './wharf-command.js';

/**
 * How `wharf up` guards its API: `secure` is its default (TLS, client-certificate authentication, RBAC),
 * `always-allow` keeps TLS and authentication but skips RBAC, `insecure-http` is plain HTTP with neither.
 */
export type WharfSecurity = 'secure' | 'always-allow' | 'insecure-http';

const securityArgs: Record<WharfSecurity, string[]> = {
  secure: [],
  'always-allow': ['--authorization-mode', 'AlwaysAllow'],
  'insecure-http': ['--insecure-http'],
};

export interface WharfServer {
  pid: number;
  port: number;
  baseUrl: string;
  security: WharfSecurity;
  /** The CA and the admin's client certificate from the written kubeconfig (undefined over plain HTTP). */
  tls: TlsCredentials | undefined;
  /** Milliseconds from spawn to the first `GET /readyz` answered 200. */
  readyMs: number;
  /** Everything the server wrote to stderr so far (for error reports). */
  stderr(): string;
  stop(): Promise<void>;
}

export interface WharfServerOptions {
  /** The repository root (holds bin/wharf.js and the built dist/). */
  root: string;
  dataDir: string;
  /** A fixed port lets startup be timed from spawn (readyz is polled before the server prints its port). */
  port?: number;
  /** When set, the server runs under `node --cpu-prof` and writes its profile here on exit. */
  cpuProfDir?: string;
  /** Default `secure`. */
  security?: WharfSecurity;
  /**
   * Credentials known from an earlier start on the same data dir (its PKI is kept): with a fixed port they let
   * /readyz be polled over TLS from spawn, before the kubeconfig is written again.
   */
  tls?: TlsCredentials;
  /** More `wharf up` flags, e.g. `--etcd <url>`. */
  extraArgs?: string[];
}

/** Starts `wharf up` as its own process and waits until it prints its address and answers /readyz. */
export async function startWharf(procs: ChildProcesses, opts: WharfServerOptions): Promise<WharfServer> {
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const security = opts.security ?? 'secure';
  const scheme = security === 'insecure-http' ? 'http' : 'https';
  const args = [
    ...nodeArgs,
    ...wharfCommand(opts.root),
    'up',
    '--data-dir', opts.dataDir,
    '--port', String(opts.port ?? 0),
    '--host', '127.0.0.1',
    // The API benchmark measures the API server alone: no scheduler, controllers or nodes beside it.
    '--api-server-only',
    ...securityArgs[security],
    ...(opts.extraArgs ?? []),
  ];
  const started = performance.now();
  const child = procs.spawn(process.execPath, args, { cwd: opts.root });
  const pid = child.pid!;
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`wharf exited during startup (code ${code}, signal ${signal}): ${stderr.trim()}`))),
  );
  exited.catch(() => undefined);

  const announcedPort = printedPort(child);

  let port: number;
  let readyMs: number;
  let tls = opts.tls;
  if (opts.port && (tls || security === 'insecure-http')) {
    port = opts.port;
    readyMs = await Promise.race([pollReady(`${scheme}://127.0.0.1:${port}`, tls, started), exited]);
  } else {
    port = await Promise.race([announcedPort, exited, timeout(30_000, 'wharf did not print its address')]);
    // The kubeconfig is written before the address is printed.
    if (security !== 'insecure-http') tls = kubeconfigCredentials(path.join(opts.dataDir, 'kubeconfig'));
    readyMs = await Promise.race([pollReady(`${scheme}://127.0.0.1:${port}`, tls, started), exited]);
  }
  child.stdout!.resume();
  return {
    pid,
    port,
    baseUrl: `${scheme}://127.0.0.1:${port}`,
    security,
    tls,
    readyMs,
    stderr: () => stderr,
    stop: async () => {
      const { code, signal } = await procs.stop(pid);
      if (code !== 0) throw new Error(`wharf did not exit cleanly on SIGTERM (code ${code}, signal ${signal}): ${stderr.trim()}`);
    },
  };
}

/** The cluster CA and the client certificate and key of a kubeconfig's first cluster and user. */
export function kubeconfigCredentials(file: string): TlsCredentials {
  const config = parse(readFileSync(file, 'utf8')) as {
    clusters?: { cluster?: Record<string, unknown> }[];
    users?: { user?: Record<string, unknown> }[];
  };
  const cluster = config.clusters?.[0]?.cluster ?? {};
  const user = config.users?.[0]?.user ?? {};
  const pem = (from: Record<string, unknown>, field: string) => {
    const v = from[field];
    if (typeof v !== 'string') throw new Error(`${file}: no ${field}`);
    return Buffer.from(v, 'base64').toString('utf8');
  };
  return { ca: pem(cluster, 'certificate-authority-data'), cert: pem(user, 'client-certificate-data'), key: pem(user, 'client-key-data') };
}

async function pollReady(baseUrl: string, tls: TlsCredentials | undefined, started: number): Promise<number> {
  const deadline = started + 30_000;
  for (;;) {
    try {
      const r = await httpRequest({ tls }, 'GET', `${baseUrl}/readyz`);
      if (r.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error('wharf did not become ready within 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The port a starting `wharf up` prints ("listening on http(s)://127.0.0.1:<port>"), read from its stdout. */
export function printedPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}

export interface WharfUpFromSources {
  pid: number;
  port: number;
  baseUrl: string;
  /** The CA and the admin's client certificate from the kubeconfig `wharf up` wrote. */
  tls: TlsCredentials;
}

/**
 * Starts a whole cluster, `wharf up <args>`, from the TypeScript sources of `root` under tsx (no build), and
 * waits until it prints its HTTPS address. `onExit` hears of the server exiting, with its last stderr, so a
 * benchmark can fail instead of waiting on a cluster that is gone.
 */
export async function startWharfUpFromSources(
  procs: ChildProcesses,
  opts: { root: string; dataDir: string; args: string[]; cpuProfDir?: string; onExit: (message: string) => void },
): Promise<WharfUpFromSources> {
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const main = path.join(opts.root, 'src', 'cli', 'main.ts');
  const child = procs.spawn(process.execPath, [...wharfNodeFlags(opts.root), ...nodeArgs, '--import', 'tsx', main, 'up', '--data-dir', opts.dataDir, '--port', '0', '--host', '127.0.0.1', ...opts.args], { cwd: opts.root });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-16_000)));
  child.once('exit', (code, signal) => opts.onExit(`wharf up exited (code ${code}, signal ${signal}): ${stderr.trim()}`));
  const port = await Promise.race([printedPort(child), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`wharf up did not start: ${stderr}`)), 60_000).unref())]);
  child.stdout!.resume();
  return { pid: child.pid!, port, baseUrl: `https://127.0.0.1:${port}`, tls: kubeconfigCredentials(path.join(opts.dataDir, 'kubeconfig')) };
}
