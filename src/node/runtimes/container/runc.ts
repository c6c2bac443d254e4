import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { CommandError, runCommand } from './command.js';
import { defaultRuncPath } from './host-support.js';

export interface RuncOptions {
  /** The runc binary; Debian's /usr/sbin/runc by default. */
  path?: string;
  /** runc's state dir (`--root`), private to this node so other runc users stay out of sight. */
  root: string;
}

/** The files one run of a container uses, all in its own dir. */
export interface RunFiles {
  bundle: string;
  /** The container process' stdout and stderr land here as written. */
  stdout: string;
  stderr: string;
  /** Written by runc once the container exists: its presence means the process was started. */
  pidFile: string;
  /** The exit status (`runc run`'s, 128+signal for a signal) once the process is gone. */
  exitFile: string;
  /** runc's own messages (JSON lines): why a start failed. */
  runcLog: string;
}

export interface RuncState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
}

/*
 * The shim: `runc run` in the foreground waits for the container and exits with its status; the shell
 * around it records that status in a file. Being detached (its own session), the pair outlives an agent
 * restart, so a container keeps running and its exit code is still there to read afterwards: what
 * containerd's shim does, with a shell instead of a daemon.
 */
const shimScript = '"$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"';

/** Debian's runc driven through its command line: run, state, kill, delete, list. */
export class Runc {
  readonly path: string;
  readonly root: string;

  constructor(opts: RuncOptions) {
    this.path = opts.path ?? defaultRuncPath;
    this.root = opts.root;
  }

  /**
   * Starts container `id` from its bundle in a detached shim; returns the shim process, whose exit
   * (with the exit file written) means the container is gone or never started.
   */
  run(id: string, files: RunFiles): ChildProcess {
    const out = openSync(files.stdout, 'a');
    const err = openSync(files.stderr, 'a');
    try {
      const child = spawn(
        '/bin/sh',
        ['-c', shimScript, files.exitFile, this.path, '--root', this.root, '--log', files.runcLog, '--log-format', 'json', 'run', '--bundle', files.bundle, '--pid-file', files.pidFile, id],
        { detached: true, stdio: ['ignore', out, err] },
      );
      child.unref();
      return child;
    } finally {
      closeSync(out);
      closeSync(err);
    }
  }

  /**
   * Runs another process in a running container (`runc exec`), with the container's env, user and
   * capabilities; its exit code is the process's. No terminal: stdio are pipes.
   */
  exec(id: string, args: string[], opts: { cwd?: string; env?: string[]; stdin?: boolean } = {}): ChildProcess {
    const flags: string[] = [];
    if (opts.cwd) flags.push('--cwd', opts.cwd);
    for (const e of opts.env ?? []) flags.push('--env', e);
    return spawn(this.path, ['--root', this.root, 'exec', ...flags, id, ...args], { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  }

  /** The container's state, or undefined when runc does not know it. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      const s = JSON.parse(await runCommand(this.path, ['--root', this.root, 'state', id])) as RuncState;
      return { id: s.id, pid: s.pid, status: s.status };
    } catch (e) {
      if (e instanceof CommandError) return undefined;
      throw e;
    }
  }

  async list(): Promise<RuncState[]> {
    const out = (await runCommand(this.path, ['--root', this.root, 'list', '--format', 'json'])).trim();
    if (!out || out === 'null') return [];
    return (JSON.parse(out) as RuncState[]).map((s) => ({ id: s.id, pid: s.pid, status: s.status }));
  }

  /** Sends a signal to the container's init (all its processes with `all`); a container already gone is fine. */
  async kill(id: string, signal: string, all = false): Promise<void> {
    try {
      await runCommand(this.path, ['--root', this.root, 'kill', ...(all ? ['--all'] : []), id, signal]);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      if (!/does not exist|not running|container not running|process already finished/i.test(e.stderr)) throw e;
    }
  }

  /** Removes the container's runc state (killing it first with `force`); absent is fine. */
  async delete(id: string, force = true): Promise<void> {
    try {
      await runCommand(this.path, ['--root', this.root, 'delete', ...(force ? ['--force'] : []), id]);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      if (!/does not exist/i.test(e.stderr)) throw e;
    }
  }
}
