import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { stopChild } from '../support/stop-child.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The `wharf` entry point next to this test: compiled JS under dist, TypeScript under tsx. */
const mainModule = path.resolve(here, '../../src/cli/main' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));

/** The repository's top folder (the one with package.json), from sources or from dist/. */
export const repoRoot = ((): string => {
  let dir = here;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export interface RunningCluster extends WharfServer {
  dataDir: string;
  kubeconfig: string;
}

/** Makes a fresh data directory, removed when `cleanup` runs. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The node command line (after `node`) that runs `wharf <args>` the way this test process runs (tsx or dist). */
export function wharfArgs(args: string[]): string[] {
  return [...process.execArgv.filter((a) => !a.startsWith('--test')), mainModule, ...args];
}

export interface WharfServer {
  port: number;
  url: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Spawns `wharf <args>` (a command that serves on 127.0.0.1, `--port 0` for a free port) and waits until it
 * prints `listening on <url>`; rejects with its output when it exits first or is not up in `timeoutMs`.
 */
export async function startWharf(args: string[], timeoutMs = 60_000): Promise<WharfServer> {
  const child = spawn(process.execPath, wharfArgs(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  const what = `wharf ${args[0]}`;
  let output = '';
  let scheme = 'http';
  const port = await new Promise<number>((resolve, reject) => {
    // A server that never says where it listens is stopped, or its pipes would keep the test process alive.
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`${what} did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /listening on (https?):\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        scheme = m[1];
        resolve(Number(m[2]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
  child.stdout!.resume();
  return { port, url: `${scheme}://127.0.0.1:${port}`, process: child, stop: () => stopChild(child) };
}

/**
 * Starts `wharf up` on a free port over `dataDir` and waits until it says where it listens. Without
 * `--nodes` or `--container-nodes` it runs one simulated node (a plain `wharf up` runs a real one on a
 * machine that can run containers).
 */
export async function startCluster(dataDir: string, extraArgs: string[] = []): Promise<RunningCluster> {
  const nodeArgs = extraArgs.some((a) => /^--(container-)?nodes(=|$)/.test(a)) ? [] : ['--nodes', '1'];
  const server = await startWharf(['up', '--data-dir', dataDir, '--port', '0', ...nodeArgs, ...extraArgs]);
  return { ...server, dataDir, kubeconfig: path.join(dataDir, 'kubeconfig') };
}

/**
 * One cluster for the enclosing describe (or file): registers a before() that starts `wharf up` with
 * `extraArgs` over a fresh data directory and an after() that stops it and removes the directory.
 * `extraArgs` may be a function of that directory, to write files there first. The returned object reads
 * through to the running cluster, so tests and later hooks use it like startCluster's result.
 */
export function useCluster(extraArgs: string[] | ((dataDir: string) => string[]) = []): RunningCluster {
  let data: { dir: string; cleanup: () => void } | undefined;
  let running: RunningCluster | undefined;
  before(async () => {
    data = tempDataDir();
    running = await startCluster(data.dir, typeof extraArgs === 'function' ? extraArgs(data.dir) : extraArgs);
  });
  after(async () => {
    await running?.stop();
    data?.cleanup();
  });
  const current = (): RunningCluster => {
    if (!running) throw new Error('the cluster is used before useCluster started it (read it inside tests and hooks)');
    return running;
  };
  return {
    get port() {
      return current().port;
    },
    get url() {
      return current().url;
    },
    get dataDir() {
      return current().dataDir;
    },
    get kubeconfig() {
      return current().kubeconfig;
    },
    get process() {
      return current().process;
    },
    stop: () => current().stop(),
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What kubectl needs of a cluster. */
export type ClusterRef = { kubeconfig: string; dataDir: string };

/** Runs kubectl against a cluster; never throws for a non-zero exit (the result says it). */
export function kubectl(cluster: ClusterRef, args: string[], input?: string, binary = 'kubectl'): Promise<CommandResult> {
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

/**
 * kubectl for steps expected to succeed: resolves with stdout, fails the test with stderr otherwise.
 * `cluster` may be a function, read at each call, for a cluster a before() hook assigns later.
 */
export function kubectlOk(cluster: ClusterRef | (() => ClusterRef), binary = 'kubectl', name = 'kubectl'): (...args: string[]) => Promise<string> {
  return async (...args: string[]) => {
    const r = await kubectl(typeof cluster === 'function' ? cluster() : cluster, args, undefined, binary);
    assert.equal(r.code, 0, `${name} ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
}

/**
 * Waits until `count` nodes are registered and Ready. `kubectl wait --all` alone fails at once while no
 * node exists yet, and `wharf up` announces itself before its simulated nodes have registered.
 */
export async function waitForReadyNodes(cluster: ClusterRef, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await kubectl(cluster, ['get', 'nodes', '-o', 'name']);
    const registered = r.code === 0 ? r.stdout.split('\n').filter((l) => l.trim() !== '').length : 0;
    if (registered >= count) break;
    assert.ok(Date.now() < deadline, `${registered} of ${count} nodes registered after ${timeoutMs / 1000} s: ${r.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
  const ready = await kubectl(cluster, ['wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${seconds}s`]);
  assert.equal(ready.code, 0, `kubectl wait for Ready nodes failed: ${ready.stderr}`);
}

/** Debian's kubectl 1.20 unpacked beside the current one (see .ci/run), when present. */
export const oldKubectl = process.env.WHARF_KUBECTL_OLD ?? '/opt/kubectl-1.20/usr/bin/kubectl';

/** The TLS material of a kubeconfig's current user and cluster (empty for plain HTTP). */
export function credentialsOf(kubeconfigPath: string): { ca?: string; cert?: string; key?: string; token?: string } {
  const cfg = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: Record<string, string> }[];
    users: { user: Record<string, string> }[];
  };
  const cluster = cfg.clusters[0].cluster;
  const user = cfg.users[0].user;
  const decode = (v: string | undefined) => (v ? Buffer.from(v, 'base64').toString('utf8') : undefined);
  return { ca: decode(cluster['certificate-authority-data']), cert: decode(user['client-certificate-data']), key: decode(user['client-key-data']), token: user.token };
}

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: { get(name: string): string | null };
}

/**
 * Calls the API directly as the kubeconfig's user (admin by default) and returns status and parsed JSON
 * (or text). `as` overrides the credentials: `{}` is an anonymous request.
 */
export function api(
  cluster: { url: string; kubeconfig?: string },
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  as?: { cert?: string; key?: string; token?: string },
): Promise<ApiResponse> {
  const creds = cluster.kubeconfig && existsSync(cluster.kubeconfig) ? credentialsOf(cluster.kubeconfig) : {};
  const who = as ?? creds;
  const url = new URL(cluster.url + path);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = contentType;
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  const options = { method, headers, ca: creds.ca, cert: who.cert, key: who.key };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({
          status: res.statusCode ?? 0,
          body: parsed,
          headers: { get: (name) => { const v = res.headers[name.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v; } },
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The fields of an audit.k8s.io/v1 Event that tests read. */
export interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string };
  sourceIPs?: string[];
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code: number };
}

/** Every event of a `wharf up` cluster's audit log so far (the default policy logs Metadata). */
export function auditEvents(cluster: { dataDir: string }): AuditEvent[] {
  const file = path.join(cluster.dataDir, 'audit', 'audit.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);
}
