import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import type { ChildProcesses } from './child-processes.js';
import { freePort } from './free-port.js';
import { httpRequest } from './http-client.js';

export interface EtcdServer {
  pid: number;
  clientUrl: string;
  version: string;
  stop(): Promise<void>;
}

/** The `etcd --version` first line, or undefined when etcd is not installed. */
export function etcdVersion(binary = 'etcd'): string | undefined {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /etcd Version: (\S+)/.exec(r.stdout)?.[1];
}

/** Starts a single-member etcd on 127.0.0.1 with free ports and its own data dir; resolves when /health is ok. */
export async function startEtcd(procs: ChildProcesses, dataDir: string, binary = 'etcd'): Promise<EtcdServer> {
  const version = etcdVersion(binary);
  if (!version) throw new Error(`${binary} not found: apt-get install -y etcd-server`);
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const child = procs.spawn(binary, [
    '--name', 'bench',
    '--data-dir', dataDir,
    '--listen-client-urls', clientUrl,
    '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `bench=${peerUrl}`,
    '--initial-cluster-state', 'new',
    '--log-level', 'warn',
  ]);
  const pid = child.pid!;
  let log = '';
  child.stdout!.resume();
  child.stderr!.on('data', (c: Buffer) => {
    log += c.toString();
    if (log.length > 64_000) log = log.slice(-32_000);
  });
  let exitedEarly: Error | undefined;
  child.once('exit', (code, signal) => (exitedEarly = new Error(`etcd exited (code ${code}, signal ${signal}): ${log.trim()}`)));
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (exitedEarly) throw exitedEarly;
    try {
      const r = await httpRequest({}, 'GET', `${clientUrl}/health`);
      if (r.status === 200 && r.body.includes('true')) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`etcd did not become healthy: ${log.trim()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    pid,
    clientUrl,
    version,
    stop: async () => {
      await procs.stop(pid);
    },
  };
}
