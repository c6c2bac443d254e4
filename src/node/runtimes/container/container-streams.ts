import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { open, readFile, readlink, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { Duplex, Readable, type Writable } from 'node:stream';

/** What a log read asks for (the node API's `ContainerLogRequest`). */
export interface LogRequest {
  previous: boolean;
  follow: boolean;
}

/** The streams of an exec or attach as the node API hands them over (its `ExecIO`). */
export interface StreamIO {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  tty: boolean;
  onResize(listener: (size: { width: number; height: number }) => void): void;
  signal: AbortSignal;
}

/**
 * A log file as a stream: what it holds now and, with `follow`, what is appended until `done()` says
 * the writer finished (then the rest is read and the stream ends). Destroying the stream stops it.
 */
export function readLogFile(path: string, follow: boolean, done: () => boolean): Readable {
  let offset = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    closed = true;
    if (timer) clearTimeout(timer);
    watcher?.close();
    wake?.();
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    let fh = await open(path, 'r');
    try {
      if (follow) {
        try {
          watcher = watch(path, () => wake?.());
          watcher.on('error', () => undefined);
        } catch {
          // Polling below still notices growth.
        }
      }
      for (;;) {
        const buf = Buffer.alloc(64 * 1024);
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead > 0) {
          offset += bytesRead;
          yield buf.subarray(0, bytesRead);
          continue;
        }
        if (!follow || closed) return;
        // The log was rotated (moved aside, a new file in its place): go on with the new one.
        const now = await stat(path).catch(() => undefined);
        if (now && now.ino !== (await fh.stat()).ino) {
          await fh.close();
          fh = await open(path, 'r');
          offset = 0;
          watcher?.close();
          try {
            watcher = watch(path, () => wake?.());
            watcher.on('error', () => undefined);
          } catch {
            watcher = undefined;
          }
          continue;
        }
        // Finished writing: one more read catches what came with the end.
        if (done()) {
          const last = await fh.read(buf, 0, buf.length, offset);
          if (last.bytesRead > 0) {
            offset += last.bytesRead;
            yield buf.subarray(0, last.bytesRead);
            continue;
          }
          return;
        }
        await new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, 250);
        });
        wake = undefined;
      }
    } finally {
      watcher?.close();
      await fh.close();
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false });
  stream.once('close', stop);
  return stream;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs `runc exec` with the node API's streams and resolves with the exit code. With a terminal, runc
 * needs a controlling terminal of its own: util-linux `script` gives it one (a pty), and the streams
 * are the pty's; without, stdin/stdout/stderr are plain pipes. Aborting stops the process.
 */
export function execWithStreams(runcArgs: { path: string; root: string; id: string }, command: string[], io: StreamIO): Promise<number> {
  const base = ['--root', runcArgs.root, 'exec', ...(io.tty ? ['--tty'] : []), runcArgs.id, ...command];
  let child: ChildProcess;
  if (io.tty) {
    const line = [runcArgs.path, ...base].map(shellQuote).join(' ');
    child = spawn('script', ['--quiet', '--flush', '--echo', 'never', '--return', '--command', line, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } });
    const scriptPid = child.pid;
    if (scriptPid !== undefined) io.onResize((size) => void resizeTerminal(scriptPid, size).catch(() => undefined));
  } else {
    child = spawn(runcArgs.path, base, { stdio: [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  }
  return new Promise((resolve, reject) => {
    if (io.stdin && child.stdin) {
      io.stdin.pipe(child.stdin);
      child.stdin.on('error', () => undefined);
    } else child.stdin?.end();
    if (io.stdout) child.stdout?.pipe(io.stdout, { end: false });
    else child.stdout?.resume();
    const errOut = io.tty ? io.stdout : io.stderr;
    if (errOut) child.stderr?.pipe(errOut, { end: false });
    else child.stderr?.resume();
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      // runc passes SIGTERM on to the process; SIGKILL only if that is ignored.
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
    };
    if (io.signal.aborted) onAbort();
    else io.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (e) => {
      io.signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.once('close', (code, signal) => {
      io.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (io.stdin && child.stdin) io.stdin.unpipe(child.stdin);
      resolve(code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 0));
    });
  });
}

/** The pids below `pid` (children, grandchildren...), from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const out: number[] = [];
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const c of text.split(/\s+/).filter(Boolean).map(Number)) out.push(c, ...(await descendants(c)));
  return out;
}

/**
 * Passes a terminal size on to an exec with a tty: sets it on the pty `script` gave runc (runc's
 * stdin) and signals runc, which copies it to the container's terminal, as on a real SIGWINCH. runc
 * may not have started yet when the first size comes, so it is looked for a few times.
 */
async function resizeTerminal(scriptPid: number, size: { width: number; height: number }): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    for (const pid of await descendants(scriptPid)) {
      const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
      if (comm !== 'runc') continue;
      const tty = await readlink(`/proc/${pid}/fd/0`).catch(() => '');
      if (!tty.startsWith('/dev/pts/')) continue;
      await runStty(tty, size);
      process.kill(pid, 'SIGWINCH');
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runStty(tty: string, size: { width: number; height: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('stty', ['-F', tty, 'rows', String(size.height), 'cols', String(size.width)], { stdio: 'ignore' });
    c.once('error', reject);
    c.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`stty exited with ${code}`))));
  });
}

/**
 * A TCP connection to `port` on the pod's loopback: through `nc` run inside the pod's network
 * namespace (busybox-static's, so nothing from the container image is needed), or straight to the
 * port for host-network pods.
 */
export async function connectInNetns(netnsName: string | undefined, port: number, ncPath = '/usr/bin/busybox'): Promise<Duplex> {
  if (!netnsName) {
    return await new Promise<Duplex>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port });
      sock.once('connect', () => resolve(sock));
      sock.once('error', reject);
    });
  }
  if (!existsSync(ncPath)) throw new Error(`port forwarding needs ${ncPath} (busybox-static) on the node`);
  const child = spawn('ip', ['netns', 'exec', netnsName, ncPath, 'nc', '127.0.0.1', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // nc says nothing on success; a refused connection ends it at once with a message.
  const early = await new Promise<number | null | 'open'>((resolve) => {
    const t = setTimeout(() => resolve('open'), 150);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
    // Data from the server proves the connection; the end of nc's output (a refusal) does not.
    child.stdout!.once('readable', () => {
      if (child.stdout!.readableLength === 0) return;
      clearTimeout(t);
      resolve('open');
    });
  });
  if (early !== 'open') {
    child.kill('SIGKILL');
    throw new Error(`failed to connect to localhost:${port} inside namespace "${netnsName}": ${stderr.trim() || `nc exited with ${early}`}`);
  }
  const duplex = Duplex.from({ readable: child.stdout!, writable: child.stdin! });
  duplex.once('close', () => child.kill('SIGTERM'));
  return duplex;
}
