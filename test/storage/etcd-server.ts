import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePorts } from '../support/free-port.js';

/** Where Debian's etcd-server package puts the binary (CI installs it). */
export const etcdBinary = '/usr/bin/etcd';

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdMissing(): string | undefined {
  return existsSync(etcdBinary) ? undefined : `${etcdBinary} is not installed (Debian package etcd-server)`;
}

export interface EtcdServerOptions {
  /** Extra flags, e.g. `--quota-backend-bytes`. */
  args?: string[];
  /** Serve clients over TLS and require client certificates signed by a test CA (made with openssl). */
  tls?: boolean;
}

/** PEM files contents a client needs to reach a TLS etcd. */
export interface EtcdClientTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * One etcd member on loopback ports in a temporary data directory, for tests. `stop()` kills it by pid and
 * `start()` runs it again on the same ports and data, so tests can break and restore the store's link.
 */
export class EtcdServer {
  private child: ChildProcess | undefined;
  private output = '';

  /** Client credentials when the server requires TLS. */
  clientTls: EtcdClientTls | undefined;

  private constructor(
    readonly dataDir: string,
    readonly clientPort: number,
    readonly peerPort: number,
    private readonly metricsPort: number,
    private readonly extraArgs: string[],
  ) {}

  get url(): string {
    return `${this.clientTls ? 'https' : 'http'}://127.0.0.1:${this.clientPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts a fresh, empty etcd and waits until it answers. */
  static async start(opts: EtcdServerOptions = {}): Promise<EtcdServer> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wharf-etcd-'));
    const [clientPort, peerPort, metricsPort] = await freePorts(3);
    const args = [...(opts.args ?? [])];
    let clientTls: EtcdClientTls | undefined;
    if (opts.tls) {
      const files = makeTestCertificates(dataDir);
      args.push('--cert-file', files.serverCert, '--key-file', files.serverKey, '--trusted-ca-file', files.ca, '--client-cert-auth');
      clientTls = { ca: readFileSync(files.ca, 'utf8'), cert: readFileSync(files.clientCert, 'utf8'), key: readFileSync(files.clientKey, 'utf8') };
    }
    const server = new EtcdServer(dataDir, clientPort, peerPort, metricsPort, args);
    server.clientTls = clientTls;
    try {
      await server.start();
    } catch (e) {
      await server.destroy();
      throw e;
    }
    return server;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const client = this.url;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const child = spawn(
      etcdBinary,
      [
        '--name', 'wharf-test',
        '--data-dir', path.join(this.dataDir, 'member-data'),
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `wharf-test=${peer}`,
        '--initial-cluster-state', 'new',
        // Health over plain HTTP whatever the client URLs use, so readiness needs no client certificate.
        '--listen-metrics-urls', `http://127.0.0.1:${this.metricsPort}`,
        // One member elects itself quickly after a restart.
        '--heartbeat-interval', '50',
        '--election-timeout', '300',
        // Tests need no fsync to survive power loss; kill -9 of etcd still loses nothing acknowledged.
        '--unsafe-no-fsync',
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.output = '';
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`etcd exited (${code ?? signal}) while starting:\n${this.output}`))),
    );
    exited.catch(() => {});
    await Promise.race([this.waitUntilServing(30_000), exited]);
  }

  /** Polls /health until etcd reports itself healthy. */
  private async waitUntilServing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.metricsPort}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (res.ok && body.health === 'true') return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the process (SIGKILL: no clean shutdown, as a crash would) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Stops etcd and removes its data directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  logs(): string {
    return this.output;
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, written into `dir` by openssl. */
function makeTestCertificates(dir: string): { ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string } {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=wharf-test-etcd-ca', '-keyout', f('ca.key'), '-out', f('ca.crt'));
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=wharf-test-${name}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
    writeFileSync(f(`${name}.ext`), `${ext}\n`);
    openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`));
  }
  return { ca: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), clientCert: f('client.crt'), clientKey: f('client.key') };
}
