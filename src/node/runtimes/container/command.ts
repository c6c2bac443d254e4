import { execFile } from 'node:child_process';

/** A host command (ip, runc, mount) that exited non-zero, with what it wrote to stderr. */
export class CommandError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${file} ${args.join(' ')} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no output'}`);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  /** Killed after this long; 30 s by default. */
  timeoutMs?: number;
  input?: string;
}

/**
 * Runs a host command without a shell and resolves with its stdout; rejects with `CommandError`.
 * Everything the container runtime does to the machine goes through here, so arguments never meet a
 * shell's quoting rules.
 */
export function runCommand(file: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null;
      reject(new CommandError(file, args, code, stderr || err.message));
    });
    if (opts.input !== undefined) {
      // A command that exits before reading its input closes the pipe: that is its answer, not ours to throw.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(opts.input);
    }
  });
}
