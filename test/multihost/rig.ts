/**
 * A multi-host test rig on one machine: each "host" is a Linux network namespace (`wharf-h<N>-<id>`)
 * whose eth0 (10.123.0.<N>/24) is one end of a veth pair; the other ends hang on a bridge inside a
 * rig namespace (`wharf-r-<id>`). Nothing is added to the machine's own namespace: the addresses exist
 * only inside namespaces the rig made, and `destroy()` (also run on process exit) deletes them all.
 *
 * Processes run inside a host with `ip netns exec` (which execs, so their pid is the real one); a host
 * can be cut off (its bridge port set down, as a pulled cable) and reconnected, or have its processes
 * killed. Tests talk to the cluster from inside a host too (kubectl, or a client process), since the
 * test process itself has no route into the rig.
 *
 * Needs root and iproute2; `rigUnavailable()` says plainly why not when they are missing.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WharfProcess } from './wharf-process.js';

export const RIG_SUBNET = '10.123.0.0/24';

export interface Host {
  /** The test's name for it (`etcd`, `api-1`, `node-2`...). */
  name: string;
  netns: string;
  /** Its address on the rig network. */
  ip: string;
  /** Its port on the bridge, in the rig namespace. */
  bridgePort: string;
}

/** A program the rig started in a host. */
export interface HostProcess {
  child: ChildProcess;
  /** The last 20 kB it printed. */
  output(): string;
  exited: Promise<void>;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, cwd: opts.cwd }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

async function ip(...args: string[]): Promise<void> {
  const r = await run('ip', args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

/** Why the rig cannot run here, or undefined when it can (root, `ip`, and namespaces allowed). */
export async function rigUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  const which = await run('sh', ['-c', 'command -v ip']);
  if (which.code !== 0) return 'iproute2 (`ip`) is not installed';
  const probe = `wharf-probe-${randomBytes(3).toString('hex')}`;
  const added = await run('ip', ['netns', 'add', probe]);
  if (added.code !== 0) return `this machine does not allow network namespaces: ${added.stderr.trim()}`;
  const veth = await run('ip', ['-n', probe, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
  await run('ip', ['netns', 'del', probe]);
  if (veth.code !== 0) return `this machine does not allow veth links: ${veth.stderr.trim()}`;
  return undefined;
}

/** Every rig of this process, so an unexpected exit still removes their namespaces. */
const live = new Set<Rig>();
let exitHook = false;

/** Rig namespaces carry their creator's pid (base 36) before an `x`, so leftovers can be told apart. */
const RIG_NETNS = /^wharf-(?:r|h\d+)-([0-9a-z]+)x[0-9a-f]+$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes rig namespaces whose creating process is gone (a run killed before it could clean up). */
async function sweepLeftovers(): Promise<void> {
  const list = await run('ip', ['netns', 'list']);
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0];
    const m = RIG_NETNS.exec(name);
    if (m && !alive(parseInt(m[1], 36))) await run('ip', ['netns', 'del', name]);
  }
}

function destroyAllSync(): void {
  for (const r of live) r.destroySync();
}

export class Rig {
  readonly id = `${process.pid.toString(36)}x${randomBytes(2).toString('hex')}`;
  readonly netns = `wharf-r-${this.id}`;
  /** Scratch space for data dirs and kubeconfigs, removed by destroy(). */
  readonly dir = mkdtempSync(path.join(tmpdir(), 'wharf-rig-'));
  private readonly hostsByName = new Map<string, Host>();
  private readonly processes = new Map<string, Set<{ child: ChildProcess; exited: Promise<unknown> }>>();
  private readonly namespaces: string[] = [];
  private destroyed = false;

  private constructor() {}

  /** Builds the rig network and one host per name (addresses 10.123.0.1, .2, ... in order). */
  static async create(names: string[]): Promise<Rig> {
    await sweepLeftovers();
    const rig = new Rig();
    live.add(rig);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', destroyAllSync);
      // A run interrupted by a signal cleans up too, then dies of that signal as it would have.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          destroyAllSync();
          process.kill(process.pid, signal);
        });
      }
    }
    try {
      await ip('netns', 'add', rig.netns);
      rig.namespaces.push(rig.netns);
      await ip('-n', rig.netns, 'link', 'set', 'lo', 'up');
      await ip('-n', rig.netns, 'link', 'add', 'br0', 'type', 'bridge');
      await ip('-n', rig.netns, 'link', 'set', 'br0', 'up');
      for (const [i, name] of names.entries()) await rig.addHost(name, i + 1);
    } catch (e) {
      await rig.destroy();
      throw e;
    }
    return rig;
  }

  private async addHost(name: string, n: number): Promise<void> {
    const host: Host = { name, netns: `wharf-h${n}-${this.id}`, ip: `10.123.0.${n}`, bridgePort: `p${n}` };
    await ip('netns', 'add', host.netns);
    this.namespaces.push(host.netns);
    await ip('-n', host.netns, 'link', 'set', 'lo', 'up');
    // Made inside the rig namespace with its peer placed straight into the host: never in the machine's own.
    await ip('-n', this.netns, 'link', 'add', host.bridgePort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns);
    await ip('-n', this.netns, 'link', 'set', host.bridgePort, 'master', 'br0');
    await ip('-n', this.netns, 'link', 'set', host.bridgePort, 'up');
    await ip('-n', host.netns, 'addr', 'add', `${host.ip}/24`, 'dev', 'eth0');
    await ip('-n', host.netns, 'link', 'set', 'eth0', 'up');
    this.hostsByName.set(name, host);
  }

  host(name: string): Host {
    const h = this.hostsByName.get(name);
    if (!h) throw new RangeError(`the rig has no host "${name}"`);
    return h;
  }

  get hosts(): Host[] {
    return [...this.hostsByName.values()];
  }

  private track(host: string, child: ChildProcess): void {
    const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    let set = this.processes.get(host);
    if (!set) this.processes.set(host, (set = new Set()));
    set.add({ child, exited });
  }

  /** Runs a command to completion inside a host. */
  exec(host: string, argv: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
    return run('ip', ['netns', 'exec', this.host(host).netns, ...argv], opts);
  }

  /** kubectl inside a host, with its own cache dir. */
  kubectl(host: string, kubeconfig: string, args: string[], input?: string): Promise<CommandResult> {
    const cache = path.join(this.dir, `kubectl-cache-${host}`);
    return this.exec(host, ['kubectl', '--kubeconfig', kubeconfig, '--cache-dir', cache, '--request-timeout', '10s', ...args], { input, timeoutMs: 30_000 });
  }

  /** Starts a long-running program inside a host, keeping the tail of its output. */
  spawn(host: string, argv: string[]): HostProcess {
    const child = spawn('ip', ['netns', 'exec', this.host(host).netns, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.track(host, child);
    let tail = '';
    const keep = (d: Buffer): void => {
      tail = (tail + d.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, output: () => tail, exited };
  }

  /** Starts `wharf <args>` inside a host. */
  wharf(host: string, args: string[], label: string): WharfProcess {
    const p = new WharfProcess(args, { netns: this.host(host).netns, label: `${label} (${host})` });
    this.track(host, p.child);
    return p;
  }

  /** Cuts the host off the rig network, as a pulled cable: its processes keep running. */
  async cut(host: string): Promise<void> {
    await ip('-n', this.netns, 'link', 'set', this.host(host).bridgePort, 'down');
  }

  /** Plugs the cable back in. */
  async reconnect(host: string): Promise<void> {
    await ip('-n', this.netns, 'link', 'set', this.host(host).bridgePort, 'up');
  }

  /** Sends a signal to every process the rig started in the host and (for SIGKILL) waits for them to die. */
  async kill(host: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const set = this.processes.get(host) ?? new Set();
    for (const p of set) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
    if (signal === 'SIGKILL') await Promise.all([...set].map((p) => p.exited));
  }

  /** Stops every process (SIGTERM, SIGKILL after `graceMs`), deletes the namespaces and the scratch dir. */
  async destroy(graceMs = 3000): Promise<void> {
    if (this.destroyed) return;
    const all = [...this.processes.values()].flatMap((s) => [...s]);
    for (const p of all) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const p of all) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(all.map((p) => p.exited));
    clearTimeout(timer);
    // Deleting a namespace removes its veth ends and bridge with it.
    for (const ns of this.namespaces.reverse()) await run('ip', ['netns', 'del', ns]);
    this.destroyed = true;
    live.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last resort on process exit: kill what is left and delete the namespaces, synchronously. */
  destroySync(): void {
    if (this.destroyed) return;
    for (const s of this.processes.values()) for (const p of s) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    for (const ns of this.namespaces) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
    this.destroyed = true;
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
