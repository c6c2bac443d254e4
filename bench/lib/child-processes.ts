import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Every process the benchmark starts, so that each is stopped by its pid, also when the benchmark fails
 * or is interrupted.
 */
export class ChildProcesses {
  private readonly live = new Map<number, ChildProcess>();

  constructor() {
    // A last resort when the benchmark exits without stopping its children (uncaught error, process.exit).
    process.on('exit', () => {
      for (const pid of this.live.keys()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }

  spawn(command: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    const pid = child.pid;
    this.live.set(pid, child);
    child.once('exit', () => this.live.delete(pid));
    return child;
  }

  /** Sends SIGTERM to `pid`, then SIGKILL if it has not exited after `graceMs`; resolves when it exited. */
  async stop(pid: number, graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.live.get(pid);
    if (!child) return { code: null, signal: null };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((pid) => this.stop(pid)));
  }
}
