/**
 * Starts `wharf <command>` as a child process (optionally inside a network namespace) and watches its
 * output, for tests that run Wharf's components as separate processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The `wharf` entry point: compiled JS under dist, TypeScript under tsx. */
export const wharfMain = path.resolve(here, '../../src/cli/main' + (here.includes(`${path.sep}dist${path.sep}`) ? '.js' : '.ts'));

/** The node command line that runs `wharf <args>` the way this test process runs (tsx or dist). */
export function wharfArgv(args: string[]): string[] {
  return nodeArgv(wharfMain, args);
}

/** The node command line that runs a script of this repository (a .ts path becomes .js under dist). */
export function nodeArgv(script: string, args: string[]): string[] {
  // Loaders named by package (`--import tsx`) would be looked up from the child's working directory.
  const loader = (spec: string): string => (/^[a-z@]/.test(spec) && !spec.includes(':') ? import.meta.resolve(spec) : spec);
  const execArgv = process.execArgv
    .filter((a) => !a.startsWith('--test'))
    .map((a, i, all) => (all[i - 1] === '--import' ? loader(a) : a.startsWith('--import=') ? `--import=${loader(a.slice(9))}` : a));
  const file = here.includes(`${path.sep}dist${path.sep}`) ? script.replace(/\.ts$/, '.js') : script;
  return [process.execPath, ...execArgv, file, ...args];
}

export interface StartOptions {
  /** Run inside this network namespace (`ip netns exec NS ...`; ip execs the command, so the pid is Wharf's). */
  netns?: string;
  /** A short name used in error messages. */
  label?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A running (or exited) `wharf` child process. */
export class WharfProcess {
  readonly child: ChildProcess;
  readonly label: string;
  private text = '';
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | string | null>;

  constructor(args: string[], opts: StartOptions = {}) {
    const argv = wharfArgv(args);
    const [cmd, ...rest] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
    this.label = opts.label ?? args.slice(0, 2).join(' ');
    this.child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    const onData = (d: Buffer): void => {
      this.text += d.toString();
      // Keep the tail only: long-running components can log a lot.
      if (this.text.length > 200_000) this.text = this.text.slice(-100_000);
      for (const l of this.listeners) l();
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => {
      for (const l of this.listeners) l();
      resolve(signal ?? code);
    }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get output(): string {
    return this.text;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `re` in the output (so far or to come); rejects on exit or timeout. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(this.text);
        if (m) return done(() => resolve(m));
        if (!this.running) done(() => reject(new Error(`${this.label} exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${re}:\n${this.text.slice(-4000)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${this.label} did not print ${re} within ${timeoutMs} ms:\n${this.text.slice(-4000)}`))), timeoutMs);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        f();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends a signal by pid (nothing when it already exited). */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, SIGKILL after `graceMs`; resolves once it exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    this.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `f` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined | false> | T | undefined | false, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}
