import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/index.js';
import { createAuthenticator } from '../../src/apiserver/authn/index.js';
import { ensurePki } from '../../src/apiserver/pki/index.js';
import { ApiServer } from '../../src/apiserver/server.js';
import { renderKubeconfig } from '../../src/cli/kubeconfig.js';
import type { ContainerLogRequest, ExecIO, PodSandboxConfig, Runtime, RuntimePodStatus } from '../../src/node/runtime.js';
import { NodeServer, selfSignedServingCertificate } from '../../src/node/server/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { ApiClient } from '../../src/client/index.js';
import { NodeAgent, NodeHost, SimulatedRuntime } from '../../src/node/index.js';
import { startCluster, tempDataDir } from './harness.js';
import { randomBytes } from 'node:crypto';
import { apiPodResources, checkHostSupport, createContainerRuntime, removeBridge } from '../../src/node/runtimes/container/index.js';
import { ImageService } from '../../src/node/runtimes/container/image/index.js';
import { buildBusyboxImage, pushImage, registrySkipReason, startRegistry, type ImageLayout, type TestRegistry } from '../support/registry.js';

const kubectl132 = '/usr/bin/kubectl';
const kubectl120 = '/opt/kubectl-1.20/usr/bin/kubectl';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(bin: string, kubeconfig: string, args: string[], input?: string, timeoutMs = 60_000, env?: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const options = { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: env ? { ...process.env, ...env } : process.env };
    const child = execFile(bin, ['--kubeconfig', kubeconfig, ...args], options, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/**
 * A runtime for this test only: one pod whose container "runs" on this machine. Exec runs the command
 * here as a child process, logs are fixed CRI lines, and port 80 of the pod is an echo server on
 * loopback. It proves the node API's protocols end to end without containers.
 */
class HostRuntime implements Runtime {
  readonly version = 'wharf-test-host://0.0.1';
  constructor(private readonly echoPort: number) {}
  startPod(_pod: KubeObject, _sandbox: PodSandboxConfig): void {}
  restartContainer(): void {}
  async stopPod(): Promise<void> {}
  removePod(): void {}
  podStatus(uid: string): RuntimePodStatus {
    const started = '2026-01-01T00:00:00Z';
    return { uid, sandboxReady: true, podIP: '127.0.0.1', initContainers: [], containers: [{ name: 'main', image: 'host', imageID: 'host', containerID: 'wharf-test-host://1', state: { running: { startedAt: started } }, restartCount: 0 }] };
  }
  onPodChange(): () => void {
    return () => undefined;
  }
  close(): void {}
  async logs(_uid: string, _container: string, req: ContainerLogRequest): Promise<Readable> {
    const lines = ['2026-01-01T00:00:01.000000001Z stdout F first line\n', '2026-01-01T00:00:02.5Z stderr F second line\n', '2026-01-01T00:00:03Z stdout F third line\n'];
    if (!req.follow) return Readable.from(lines);
    const out = new PassThrough();
    for (const l of lines) out.write(l);
    setTimeout(() => out.end('2026-01-01T00:00:04Z stdout F fourth line\n'), 300);
    return out;
  }
  exec(_uid: string, _container: string, command: string[], io: ExecIO): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      child.on('error', reject);
      child.stdin!.on('error', () => undefined);
      if (io.stdin) io.stdin.pipe(child.stdin!);
      else child.stdin!.end();
      child.stdout!.on('data', (d: Buffer) => io.stdout?.write(d));
      child.stderr!.on('data', (d: Buffer) => (io.stderr ?? io.stdout)?.write(d));
      io.signal.addEventListener('abort', () => child.kill('SIGKILL'));
      child.on('close', (code, signal) => resolve(code ?? (signal ? 137 : 1)));
    });
  }
  async attach(_uid: string, container: string, io: ExecIO): Promise<number> {
    io.stdout?.write(`attached to ${container}\n`);
    if (!io.stdin) return 0;
    for await (const chunk of io.stdin) io.stdout?.write(String(chunk).toUpperCase());
    return 0;
  }
  async portForward(_uid: string, port: number): Promise<Duplex> {
    if (port !== 80) throw new Error(`nothing listens on port ${port}`);
    return await new Promise<Duplex>((resolve, reject) => {
      const s = connect(this.echoPort, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
  }
}

interface Fixture {
  kubeconfig: string;
  dir: string;
  client: ApiClient;
  nodeServer: NodeServer;
  stop(): Promise<void>;
}

/** An API server with TLS, client certificates and RBAC, and a node API for one Node, in this process. */
async function startFixture(): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-node-api-'));
  const pki = await ensurePki(dir, []);
  const store = new MemoryStore();
  const api = new ApiServer({
    store,
    tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert },
    authenticator: createAuthenticator({ clientCaPem: pki.ca.cert }),
    rbac: true,
    nodeCertificateSigner: pki.ca,
    compactionIntervalMs: 0,
  });
  const port = await api.listen(0, '127.0.0.1');
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${port}`, caPem: pki.ca.cert, clientCertPem: pki.admin.cert, clientKeyPem: pki.admin.key }));

  const echo: Server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const echoPort = (echo.address() as { port: number }).port;
  const runtime = new HostRuntime(echoPort);
  const nodeServer = new NodeServer({ clientCa: pki.ca.cert, tls: await selfSignedServingCertificate(['127.0.0.1']), logger: () => undefined });
  const nodePort = await nodeServer.listen(0, '127.0.0.1');
  let pod: KubeObject | undefined;
  nodeServer.addNode({ name: 'host-node', runtime, servedPod: (ns, name) => (pod && ns === pod.metadata.namespace && name === pod.metadata.name ? pod : undefined) });

  const k = (args: string[], input?: string) => run(kubectl132, kubeconfig, args, input);
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'host-node' } };
  assert.equal((await k(['create', '-f', '-'], JSON.stringify(node))).code, 0);
  const status = { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: nodePort } } } };
  const patched = await k(['patch', 'node', 'host-node', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  assert.equal(patched.code, 0, patched.stderr);
  const podManifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell', namespace: 'default' }, spec: { nodeName: 'host-node', containers: [{ name: 'main', image: 'host', stdin: true }] } };
  const created = await k(['create', '-f', '-', '-o', 'json'], JSON.stringify(podManifest));
  assert.equal(created.code, 0, created.stderr);
  pod = JSON.parse(created.stdout) as KubeObject;
  const running = await k(['patch', 'pod', 'shell', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running' } })]);
  assert.equal(running.code, 0, running.stderr);
  // A simulated node whose agent shares the node API: its pods' logs and exec go through the same server.
  const client = new ApiClient({ baseUrl: `https://127.0.0.1:${port}`, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key, component: 'node' });
  const host = new NodeHost({ client, logger: () => undefined });
  const agent = new NodeAgent({
    host,
    runtime: new SimulatedRuntime({ startupDelayMs: 0 }),
    nodeServer,
    config: { name: 'sim-node', cpu: '2', memory: '2Gi', pods: 10, ephemeralStorage: '1Gi', arch: 'amd64', labels: {}, taints: [], podCIDR: '10.250.0.0/24', internalIP: '127.0.0.1', osImage: 'test' },
  });
  host.start();
  await agent.register();
  const simPod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sim', namespace: 'default' }, spec: { nodeName: 'sim-node', containers: [{ name: 'web', image: 'nginx' }] } };
  assert.equal((await k(['create', '-f', '-'], JSON.stringify(simPod))).code, 0);
  const ready = await k(['wait', '--for=condition=Ready', 'pod/sim', '--timeout=30s']);
  assert.equal(ready.code, 0, ready.stderr);
  return {
    kubeconfig,
    dir,
    client,
    nodeServer,
    async stop() {
      agent.stop();
      await host.stop();
      client.close();
      await nodeServer.close();
      await new Promise<void>((r) => echo.close(() => r()));
      await api.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `kubectl port-forward` and resolves with the local port once it forwards. */
function portForward(bin: string, kubeconfig: string, target: string, env?: Record<string, string>, remote = 80): Promise<{ port: number; child: ChildProcess; output: () => string }> {
  const child = spawn(bin, ['--kubeconfig', kubeconfig, 'port-forward', target, `:${remote}`], { stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`port-forward did not start:\n${output}`)), 30_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = new RegExp(`Forwarding from 127\\.0\\.0\\.1:(\\d+) -> ${remote}`).exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited with ${code}:\n${output}`));
    });
  });
}

function roundTrip(port: number, message: string, expectBytes = message.length): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString();
      if (got.length >= expectBytes) {
        s.end();
        resolve(got);
      }
    });
    s.on('error', reject);
    s.write(message);
    setTimeout(() => {
      s.destroy();
      reject(new Error(`no echo; got "${got}"`));
    }, 15_000).unref();
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const versions = [
  { name: 'kubectl 1.32 (WebSocket)', bin: kubectl132 },
  { name: 'kubectl 1.20 (SPDY/3.1)', bin: kubectl120 },
];

const noKubectl = existsSync(kubectl132) ? false : `${kubectl132} is not installed`;

describe('node API through the API server, driven by real kubectl', { timeout: 300_000, skip: noKubectl }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFixture();
  });
  after(async () => {
    await fx?.stop();
  });

  for (const v of versions) {
    describe(v.name, () => {
      const k = (args: string[], input?: string) => run(v.bin, fx.kubeconfig, args, input);
      const skip = existsSync(v.bin) ? false : `${v.bin} is not installed`;

      test('`kubectl exec -- echo hi` prints hi and exits 0', { skip }, async () => {
        const r = await k(['exec', 'shell', '--', 'echo', 'hi']);
        assert.equal(r.stderr, '');
        assert.equal(r.stdout, 'hi\n');
        assert.equal(r.code, 0);
      });

      test('`kubectl exec -i` passes stdin through and its end closes the command\'s stdin', { skip }, async () => {
        const r = await k(['exec', '-i', 'shell', '--', 'sh', '-c', 'cat; echo done >&2'], 'hello from stdin\n');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'hello from stdin\n');
        assert.equal(r.stderr, 'done\n');
      });

      test('megabytes pass both ways intact', { skip }, async () => {
        const out = await k(['exec', 'shell', '--', 'head', '-c', '3000000', '/dev/zero']);
        assert.equal(out.code, 0, out.stderr);
        assert.equal(out.stdout.length, 3_000_000);
        const input = 'x'.repeat(2_000_000);
        const counted = await k(['exec', '-i', 'shell', '--', 'wc', '-c'], input);
        assert.equal(counted.stdout.trim(), '2000000');
      });

      test('an exit code is kubectl\'s exit code', { skip }, async () => {
        const r = await k(['exec', 'shell', '--', 'sh', '-c', 'echo out; exit 3']);
        assert.equal(r.code, 3, r.stderr);
        assert.equal(r.stdout, 'out\n');
      });

      test('a command that cannot run is an error with a non-zero exit', { skip }, async () => {
        const r = await k(['exec', 'shell', '--', '/no/such/command']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /error executing command in container: spawn \/no\/such\/command ENOENT/);
      });

      test('`kubectl exec -it` runs with a terminal', { skip: skip || (existsSync('/usr/bin/script') ? false : 'script(1) is not installed') }, async () => {
        const r = await new Promise<Run>((resolve) => {
          execFile('/usr/bin/script', ['-qec', `${v.bin} --kubeconfig ${fx.kubeconfig} exec -it shell -- sh -c 'echo tty-ok; exit 4'`, '/dev/null'], { timeout: 60_000 }, (err, stdout, stderr) => {
            resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout: String(stdout), stderr: String(stderr) });
          });
        });
        assert.match(r.stdout, /tty-ok/);
        assert.equal(r.code, 4, r.stdout + r.stderr);
      });

      test('`kubectl attach -i` joins the main process\'s streams', { skip }, async () => {
        const r = await k(['attach', '-i', 'shell', '-c', 'main'], 'typed in\n');
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /attached to main\nTYPED IN\n$/);
      });

      test('`kubectl logs` with --tail and --timestamps, and -f until the log ends', { skip }, async () => {
        const all = await k(['logs', 'shell']);
        assert.equal(all.code, 0, all.stderr);
        assert.equal(all.stdout, 'first line\nsecond line\nthird line\n');
        const tail = await k(['logs', 'shell', '--tail=1', '--timestamps']);
        assert.equal(tail.stdout, '2026-01-01T00:00:03Z third line\n');
        const follow = await k(['logs', '-f', 'shell', '--tail=2']);
        assert.equal(follow.stdout, 'second line\nthird line\nfourth line\n');
        const since = await k(['logs', 'shell', '-c', 'main', '--since-time=2026-01-01T00:00:02Z', '--limit-bytes=15']);
        assert.equal(since.stdout, 'second line\nthi');
        const previous = await k(['logs', 'shell', '--previous']);
        assert.notEqual(previous.code, 0);
        assert.match(previous.stderr, /Error from server \(BadRequest\): previous terminated container "main" in pod "shell" not found/);
      });

      test('`kubectl port-forward` carries a TCP connection to the pod\'s port', { skip }, async () => {
        const pf = await portForward(v.bin, fx.kubeconfig, 'pod/shell');
        try {
          assert.equal(await roundTrip(pf.port, 'ping over the tunnel'), 'ping over the tunnel');
          assert.equal(await roundTrip(pf.port, 'a second connection'), 'a second connection');
        } finally {
          pf.child.kill('SIGTERM');
        }
      });

      test('`kubectl cp` copies a file out of and into the pod (tar over exec)', { skip }, async () => {
        const work = mkdtempSync(path.join(tmpdir(), 'wharf-cp-'));
        try {
          const source = path.join(work, 'in-pod', 'data.txt');
          mkdirSync(path.dirname(source));
          writeFileSync(source, 'copied through exec\n');
          const out = await k(['cp', `default/shell:${source}`, path.join(work, 'copy.txt')]);
          assert.equal(out.code, 0, out.stderr);
          assert.equal(readFileSync(path.join(work, 'copy.txt'), 'utf8'), 'copied through exec\n');
          mkdirSync(path.join(work, 'dest'));
          const into = await k(['cp', path.join(work, 'copy.txt'), `default/shell:${path.join(work, 'dest', 'back.txt')}`]);
          assert.equal(into.code, 0, into.stderr);
          assert.equal(readFileSync(path.join(work, 'dest', 'back.txt'), 'utf8'), 'copied through exec\n');
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      });
    });
  }

  for (const v of versions) {
    test(`${v.name}: a simulated pod served by the node API has a synthetic log, and exec is refused clearly`, { skip: existsSync(v.bin) ? false : `${v.bin} is not installed` }, async () => {
      const logs = await run(v.bin, fx.kubeconfig, ['logs', 'sim', '--timestamps']);
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /^\S+Z wharf: simulated container "web" \(image docker\.io\/library\/nginx:latest\) started; simulated containers run no process/);
      const exec = await run(v.bin, fx.kubeconfig, ['exec', 'sim', '--', 'echo', 'hi']);
      assert.notEqual(exec.code, 0);
      assert.equal(exec.stdout, '');
      assert.match(exec.stderr, /error executing command in container: container "web" of pod [0-9a-f-]+ is simulated \(runtime wharf-simulated:\/\/0\.1\.0\): nothing runs in it, so "echo hi" cannot be executed/);
      const pf = await portForward(v.bin, fx.kubeconfig, 'pod/sim');
      try {
        const s = connect(pf.port, '127.0.0.1');
        s.on('error', () => undefined);
        await waitFor(() => /nothing listens on port 80/.test(pf.output()), 30_000);
        s.destroy();
      } finally {
        pf.child.kill('SIGTERM');
      }
    });
  }

  test('kubectl 1.32 told to use SPDY (its fallback) execs and forwards ports too', async () => {
    const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' };
    const r = await run(kubectl132, fx.kubeconfig, ['exec', '-i', 'shell', '--', 'sh', '-c', 'cat; exit 5'], 'over spdy\n', 60_000, env);
    assert.equal(r.stdout, 'over spdy\n');
    assert.equal(r.code, 5, r.stderr);
    const pf = await portForward(kubectl132, fx.kubeconfig, 'pod/shell', env);
    try {
      assert.equal(await roundTrip(pf.port, 'spdy tunnel'), 'spdy tunnel');
    } finally {
      pf.child.kill('SIGTERM');
    }
  });

  test('port-forward to a port nothing serves reports the node\'s error', async () => {
    const child = spawn(kubectl132, ['--kubeconfig', fx.kubeconfig, 'port-forward', 'pod/shell', ':81'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitFor(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 81/.test(output), 30_000);
      const port = Number(/Forwarding from 127\.0\.0\.1:(\d+) -> 81/.exec(output)![1]);
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      await waitFor(() => /nothing listens on port 81/.test(output), 30_000).catch((e: Error) => {
        throw new Error(`${e.message}: ${output}`);
      });
      s.destroy();
      assert.match(output, /error forwarding port 81 to pod shell_default, uid [0-9a-f-]+: nothing listens on port 81/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('@kubernetes/client-node execs (v5 channels) and forwards a port (v4 WebSocket channels) through the API server', async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(fx.kubeconfig);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const status = await new Promise<{ status?: string; reason?: string; details?: { causes?: { message?: string }[] } }>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'shell', 'main', ['sh', '-c', 'echo from client-node; exit 6'], stdout, null, null, false, resolve).catch(reject);
    });
    assert.equal(out, 'from client-node\n');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.equal(status.details?.causes?.[0]?.message, '6');

    const input = new PassThrough();
    const output = new PassThrough();
    let echoed = '';
    output.on('data', (d: Buffer) => (echoed += d.toString()));
    const ws = (await new k8s.PortForward(kc).portForward('default', 'shell', [80], output, null, input)) as { close(): void };
    input.write('through v4 channels');
    await waitFor(() => echoed === 'through v4 channels', 15_000).catch(() => assert.fail(`echoed "${echoed}"`));
    ws.close();
  });

  test('a user who may `get` but not `create` pods/exec cannot exec', async () => {
    const k = (args: string[], input?: string) => run(kubectl132, fx.kubeconfig, args, input);
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'exec-get', namespace: 'default' },
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get'] }],
    };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'exec-get', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'exec-get' },
      subjects: [{ kind: 'User', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }],
    };
    assert.equal((await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [role, binding] }))).code, 0);
    const r = await k(['--as', 'reader', 'exec', 'shell', '--', 'echo', 'hi']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cannot create resource "pods\/exec"/);
  });
});

describe('wharf up --nodes 1: a simulated pod', { timeout: 180_000, skip: noKubectl }, () => {
  test('`kubectl logs` answers, and `kubectl exec` fails with a clear error', async () => {
    const data = tempDataDir();
    const cluster = await startCluster(data.dir, ['--nodes', '1']);
    try {
      const k = (args: string[], input?: string) => run(kubectl132, cluster.kubeconfig, args, input);
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sim', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
      assert.equal((await k(['create', '-f', '-'], JSON.stringify(pod))).code, 0);
      const ready = await k(['wait', '--for=condition=Ready', 'pod/sim', '--timeout=60s']);
      assert.equal(ready.code, 0, ready.stderr);
      for (const args of [['logs', 'sim'], ['logs', 'sim', '--tail=1', '--timestamps'], ['logs', '-f', 'sim', '--tail=5']]) {
        const logs = await run(kubectl132, cluster.kubeconfig, args, undefined, 15_000);
        assert.equal(logs.code, 0, `${args.join(' ')}: ${logs.stderr}`);
        // A simulated container writes nothing of its own; a node API serving it says so in its log.
        assert.ok(logs.stdout === '' || /simulated container "web"/.test(logs.stdout), logs.stdout);
      }
      for (const bin of [kubectl132, kubectl120].filter((b) => existsSync(b))) {
        const r = await run(bin, cluster.kubeconfig, ['exec', 'sim', '--', 'echo', 'hi'], undefined, 30_000);
        assert.notEqual(r.code, 0, `${bin}: exec should fail`);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /simulated|publishes no node API/, `${bin}: ${r.stderr}`);
      }
      const missing = await k(['exec', 'sim', '-c', 'nope', '--', 'true']);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /container nope is not valid for pod sim/);
      // Exec attempts are audited like any request.
      const auditLog = path.join(data.dir, 'audit', 'audit.log');
      await waitFor(() => existsSync(auditLog) && /"subresource":"exec"/.test(readFileSync(auditLog, 'utf8')), 10_000);
      const execEvents = readFileSync(auditLog, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"subresource":"exec"'))
        .map((l) => JSON.parse(l) as { stage: string; verb: string; objectRef: { name: string }; responseStatus?: { code: number } });
      // 503 while the fleet has no node API; 101 (then the runtime's refusal in-stream) once it has one.
      const answered = (e: (typeof execEvents)[number]) => e.stage === 'ResponseComplete' && e.objectRef.name === 'sim' && [101, 503].includes(e.responseStatus?.code ?? 0);
      assert.ok(execEvents.some(answered), JSON.stringify(execEvents.slice(0, 3)));
    } finally {
      await cluster.stop();
      data.cleanup();
    }
  });
});

const hostSupport = await checkHostSupport();
const containerSkip = !existsSync(kubectl132)
  ? `${kubectl132} is not installed`
  : !hostSupport.ok
    ? `needs root, network namespaces and runc: ${hostSupport.reason}`
    : registrySkipReason()
      ? `needs a local registry: ${registrySkipReason()}`
      : false;

describe('a real container (runc) served by the node API', { timeout: 240_000, skip: containerSkip }, () => {
  let fx: Fixture;
  let registry: TestRegistry;
  let layout: ImageLayout;
  let nodeDir: string;
  let runtime: Awaited<ReturnType<typeof createContainerRuntime>>;
  let agent: NodeAgent;
  let host: NodeHost;
  const bridge = `wn${randomBytes(4).toString('hex')}`;
  const k = (bin: string, args: string[], input?: string) => run(bin, fx.kubeconfig, args, input);

  before(async () => {
    registry = await startRegistry();
    layout = await buildBusyboxImage({ cmd: ['sh'] });
    await pushImage(layout, 'latest', registry.host, 'wharf-test/busybox', { destTag: '1.0' });
    fx = await startFixture();
    nodeDir = mkdtempSync(path.join(tmpdir(), 'wharf-node-api-runc-'));
    const podCIDR = `10.245.${100 + Math.floor(Math.random() * 100)}.0/24`;
    runtime = await createContainerRuntime({
      dataDir: nodeDir,
      images: new ImageService({ root: path.join(nodeDir, 'images') }),
      resources: apiPodResources(fx.client),
      podCIDR,
      bridge,
      log: () => undefined,
    });
    host = new NodeHost({ client: fx.client, logger: () => undefined });
    agent = new NodeAgent({
      host,
      runtime,
      nodeServer: fx.nodeServer,
      config: { name: 'runc-node', cpu: '2', memory: '2Gi', pods: 10, ephemeralStorage: '1Gi', arch: 'amd64', labels: {}, taints: [], podCIDR, internalIP: '127.0.0.1', osImage: 'test' },
    });
    host.start();
    await agent.register();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'real', namespace: 'default' },
      spec: {
        nodeName: 'runc-node',
        terminationGracePeriodSeconds: 1,
        // No controllers run here to publish kube-root-ca.crt for the token volume.
        automountServiceAccountToken: false,
        containers: [{ name: 'app', image: `${registry.host}/wharf-test/busybox:1.0`, command: ['sh', '-c', 'echo hello from runc; echo to stderr >&2; exec busybox httpd -f -p 127.0.0.1:8080 -h /tmp'] }],
      },
    };
    assert.equal((await k(kubectl132, ['create', '-f', '-'], JSON.stringify(pod))).code, 0);
    const ready = await k(kubectl132, ['wait', '--for=condition=Ready', 'pod/real', '--timeout=90s']);
    assert.equal(ready.code, 0, ready.stderr + (await k(kubectl132, ['get', 'pod', 'real', '-o', 'yaml'])).stdout);
  });

  after(async () => {
    await k(kubectl132, ['delete', 'pod', 'real', '--grace-period=1', '--wait=true', '--timeout=30s']).catch(() => undefined);
    agent?.stop();
    await host?.stop();
    runtime?.close();
    await removeBridge(bridge).catch(() => undefined);
    await fx?.stop();
    await registry?.stop();
    await layout?.cleanup();
    if (nodeDir) rmSync(nodeDir, { recursive: true, force: true });
  });

  for (const v of versions) {
    test(`${v.name}: logs, exec (with stdin and an exit code) and port-forward into the pod's own loopback`, { skip: existsSync(v.bin) ? false : `${v.bin} is not installed` }, async () => {
      const logs = await k(v.bin, ['logs', 'real']);
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /hello from runc\n/);
      const hi = await k(v.bin, ['exec', 'real', '--', 'sh', '-c', 'echo hi']);
      assert.equal(hi.stdout, 'hi\n', hi.stderr);
      const piped = await k(v.bin, ['exec', '-i', 'real', '--', 'sh', '-c', 'cat; exit 3'], 'piped in\n');
      assert.equal(piped.stdout, 'piped in\n');
      assert.equal(piped.code, 3, piped.stderr);
      const pf = await portForward(v.bin, fx.kubeconfig, 'pod/real', undefined, 8080);
      try {
        const answer = await roundTrip(pf.port, 'GET /nothing HTTP/1.0\r\n\r\n', 12);
        assert.match(answer, /^HTTP\/1\.[01] 404/);
      } finally {
        pf.child.kill('SIGTERM');
      }
    });
  }
});
