import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process this test started: `signal` (SIGTERM by default), then SIGKILL when it has not
 * exited after `graceMs`; resolves once it has exited (at once when it already has, or never started).
 */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}
