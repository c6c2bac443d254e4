import type { ChildProcess } from 'node:child_process';
import type { ExecIO } from '../runtime.js';

/**
 * Joins a started process (`runc exec`, `nsenter ...`, spawned with piped stdio) to the streams of an
 * exec: the client's stdin feeds it (and its end closes the process' stdin), its output goes to the
 * client (stderr into stdout with a terminal), the client leaving kills it. Resolves with the exit code
 * once its output is all written (128 + n for a signal, as a shell reports it); rejects when it could
 * not be started at all.
 *
 * @example
 * exec(uid, name, command, io) {
 *   return runProcessWithIO(this.runc.exec(id, command, { stdin: Boolean(io.stdin) }), io);
 * }
 */
export function runProcessWithIO(child: ChildProcess, io: ExecIO): Promise<number> {
  return new Promise((resolve, reject) => {
    let started = false;
    child.once('spawn', () => (started = true));
    child.once('error', (e) => {
      if (!started) reject(e);
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      if (io.stdin) io.stdin.pipe(child.stdin);
      else child.stdin.end();
    }
    const forward = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream | undefined): void => {
      if (!from) return;
      if (!to) {
        from.resume();
        return;
      }
      from.on('data', (d: Buffer) => {
        if (!to.write(d)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
    };
    forward(child.stdout, io.stdout);
    forward(child.stderr, io.stderr ?? io.stdout);
    const kill = (): void => void child.kill('SIGKILL');
    io.signal.addEventListener('abort', kill, { once: true });
    child.once('close', (code, signal) => {
      io.signal.removeEventListener('abort', kill);
      if (!started && code === null) return;
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
}

const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 };

function signalNumber(name: string): number {
  return signals[name] ?? 0;
}
