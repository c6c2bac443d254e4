import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildProcesses } from './child-processes.js';
import { httpRequest } from './http-client.js';

export interface WharfServer {
  pid: number;
  port: number;
  baseUrl: string;
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
}

/** Starts `wharf up` as its own process and waits until it prints its address and answers /readyz. */
export async function startWharf(procs: ChildProcesses, opts: WharfServerOptions): Promise<WharfServer> {
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const args = [...nodeArgs, path.join(opts.root, 'bin', 'wharf.js'), 'up', '--data-dir', opts.dataDir, '--port', String(opts.port ?? 0), '--host', '127.0.0.1'];
  const started = performance.now();
  const child = procs.spawn(process.execPath, args, { cwd: opts.root });
  const pid = child.pid!;
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`wharf exited during startup (code ${code}, signal ${signal}): ${stderr.trim()}`))),
  );
  exited.catch(() => undefined);

  const printedPort = new Promise<number>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
  });

  let port: number;
  let readyMs: number;
  if (opts.port) {
    port = opts.port;
    readyMs = await Promise.race([pollReady(`http://127.0.0.1:${port}`, started), exited]);
  } else {
    port = await Promise.race([printedPort, exited, timeout(30_000, 'wharf did not print its address')]);
    readyMs = await Promise.race([pollReady(`http://127.0.0.1:${port}`, started), exited]);
  }
  child.stdout!.resume();
  return {
    pid,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    readyMs,
    stderr: () => stderr,
    stop: async () => {
      const { code, signal } = await procs.stop(pid);
      if (code !== 0) throw new Error(`wharf did not exit cleanly on SIGTERM (code ${code}, signal ${signal}): ${stderr.trim()}`);
    },
  };
}

async function pollReady(baseUrl: string, started: number): Promise<number> {
  const deadline = started + 30_000;
  for (;;) {
    try {
      const r = await httpRequest(undefined, 'GET', `${baseUrl}/readyz`);
      if (r.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error('wharf did not become ready within 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
