import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The `wharf` entry point next to this test: compiled JS under dist, TypeScript under tsx. */
const mainModule = path.resolve(here, '../../src/cli/main' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));

/** The repository's top folder (the one with package.json), from sources or from dist/. */
export const repoRoot = ((): string => {
  let dir = here;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export interface RunningCluster {
  port: number;
  url: string;
  dataDir: string;
  kubeconfig: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Makes a fresh data directory, removed when `cleanup` runs. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `wharf up` on a free port over `dataDir` and waits until it says where it listens. */
export async function startCluster(dataDir: string, extraArgs: string[] = []): Promise<RunningCluster> {
  const args = [...process.execArgv.filter((a) => !a.startsWith('--test')), mainModule, 'up', '--data-dir', dataDir, '--port', '0', ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wharf up did not start in time:\n${output}`)), 20_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wharf up exited with ${code}:\n${output}`));
    });
  });
  child.stdout!.resume();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    kubeconfig: path.join(dataDir, 'kubeconfig'),
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against a cluster; never throws for a non-zero exit (the result says it). */
export function kubectl(cluster: { kubeconfig: string; dataDir: string }, args: string[], input?: string, binary = 'kubectl'): Promise<CommandResult> {
  // A cache of the cluster's own, so discovery and OpenAPI answers never leak between test clusters.
  const cacheDir = path.join(cluster.dataDir, `kubectl-cache-${path.basename(path.dirname(binary)) || 'default'}`);
  return new Promise((resolve) => {
    const child = execFile(binary, ['--kubeconfig', cluster.kubeconfig, '--cache-dir', cacheDir, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Debian's kubectl 1.20 unpacked beside the current one (see .ci/run), when present. */
export const oldKubectl = process.env.WHARF_KUBECTL_OLD ?? '/opt/kubectl-1.20/usr/bin/kubectl';

/** Calls the API directly and returns status and parsed JSON (or text). */
export async function api(cluster: { url: string }, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(cluster.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
