import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, rename, rm, truncate, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** kubelet's largest log line; longer ones are split into partial (`P`) entries. */
const maxLineBytes = 16 * 1024;

/**
 * RFC 3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano), as CRI log lines carry. A
 * millisecond epoch in a double holds about a microsecond, so that is the precision kept.
 */
export function rfc3339Nano(epochMs: number): string {
  let whole = Math.floor(epochMs);
  let micros = Math.round((epochMs - whole) * 1e3);
  if (micros === 1000) {
    whole += 1;
    micros = 0;
  }
  const nanos = micros * 1000;
  const iso = new Date(whole).toISOString(); // 2024-01-01T00:00:00.123Z
  const frac = (iso.slice(20, 23) + String(nanos).padStart(6, '0')).replace(/0+$/, '');
  return iso.slice(0, 19) + (frac ? `.${frac}` : '') + 'Z';
}

/** One CRI log line: `<time> <stream> <F|P> <text>`. */
export function criLogLine(epochMs: number, stream: 'stdout' | 'stderr', full: boolean, text: string): string {
  return `${rfc3339Nano(epochMs)} ${stream} ${full ? 'F' : 'P'} ${text}\n`;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

interface Source {
  stream: 'stdout' | 'stderr';
  path: string;
  offset: number;
  pending: Buffer;
  handle?: FileHandle;
  watcher?: FSWatcher;
}

/**
 * Turns a container's raw stdout and stderr files into one log in kubelet's CRI format, which
 * `kubectl logs` reads: each line stamped when read (within milliseconds of being written, as the
 * files are watched), `F` for a whole line, `P` for the parts of one longer than 16 KiB.
 */
export interface LogLimits {
  /** The log is rotated past this size (kubelet's containerLogMaxSize, 10 MiB). */
  maxLogBytes?: number;
  /** Files kept per run, the current one included (kubelet's containerLogMaxFiles, 5). */
  maxLogFiles?: number;
  /** Raw output files are emptied once read past this size, so they do not grow forever; 1 MiB. */
  rawTruncateBytes?: number;
}

export class ContainerLogPump {
  private readonly sources: Source[];
  private out: FileHandle | undefined;
  private outBytes = 0;
  private readonly limits: Required<LogLimits>;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly logPath: string,
    raw: { stdout: string; stderr: string },
    /** Bytes already converted (after an agent restart), so lines are not logged twice. */
    offsets: { stdout?: number; stderr?: number } = {},
    limits: LogLimits = {},
  ) {
    this.limits = { maxLogBytes: limits.maxLogBytes ?? 10 * 1024 * 1024, maxLogFiles: Math.max(1, limits.maxLogFiles ?? 5), rawTruncateBytes: limits.rawTruncateBytes ?? 1024 * 1024 };
    this.sources = [
      { stream: 'stdout', path: raw.stdout, offset: offsets.stdout ?? 0, pending: Buffer.alloc(0) },
      { stream: 'stderr', path: raw.stderr, offset: offsets.stderr ?? 0, pending: Buffer.alloc(0) },
    ];
  }

  get offsets(): { stdout: number; stderr: number } {
    return { stdout: this.sources[0].offset - this.sources[0].pending.length, stderr: this.sources[1].offset - this.sources[1].pending.length };
  }

  async start(): Promise<void> {
    this.out = await open(this.logPath, 'a');
    this.outBytes = (await this.out.stat()).size;
    for (const s of this.sources) {
      s.handle = await open(s.path, 'r');
      try {
        s.watcher = watch(s.path, () => this.kick());
        s.watcher.on('error', () => undefined);
      } catch {
        // No inotify: the poll below still reads.
      }
    }
    const poll = (): void => {
      this.kick();
      this.timer = setTimeout(poll, 250);
      this.timer.unref?.();
    };
    poll();
  }

  /** Reads what is new now; resolves when written. */
  kick(): Promise<void> {
    if (this.closed) return this.chain;
    this.chain = this.chain.then(() => this.readAll(false)).catch(() => undefined);
    return this.chain;
  }

  /** Reads everything left (the container has exited), ends a final unterminated line, and stops. */
  async finish(): Promise<void> {
    if (this.closed) return this.chain;
    this.stopWatching();
    this.chain = this.chain.then(() => this.readAll(true)).catch(() => undefined);
    await this.chain;
    await this.close();
  }

  /** Stops reading without flushing (the agent stops; a new pump resumes from `offsets`). */
  async close(): Promise<void> {
    this.stopWatching();
    this.closed = true;
    await this.chain;
    for (const s of this.sources) await s.handle?.close().catch(() => undefined);
    await this.out?.close().catch(() => undefined);
    this.out = undefined;
  }

  private stopWatching(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of this.sources) s.watcher?.close();
  }

  private async readAll(final: boolean): Promise<void> {
    if (!this.out) return;
    for (const s of this.sources) {
      if (!s.handle) continue;
      const chunks: Buffer[] = [];
      for (;;) {
        const buf = Buffer.alloc(64 * 1024);
        const { bytesRead } = await s.handle.read(buf, 0, buf.length, s.offset);
        if (bytesRead === 0) break;
        s.offset += bytesRead;
        chunks.push(buf.subarray(0, bytesRead));
      }
      if (chunks.length === 0 && !(final && s.pending.length > 0)) continue;
      let data = Buffer.concat([s.pending, ...chunks]);
      const t = now();
      let text = '';
      for (;;) {
        const nl = data.indexOf(10);
        if (nl < 0) break;
        let line = data.subarray(0, nl);
        while (line.length > maxLineBytes) {
          text += criLogLine(t, s.stream, false, line.subarray(0, maxLineBytes).toString('utf8'));
          line = line.subarray(maxLineBytes);
        }
        text += criLogLine(t, s.stream, true, line.toString('utf8'));
        data = data.subarray(nl + 1);
      }
      while (data.length >= maxLineBytes) {
        text += criLogLine(t, s.stream, false, data.subarray(0, maxLineBytes).toString('utf8'));
        data = data.subarray(maxLineBytes);
      }
      if (final && data.length > 0) {
        text += criLogLine(t, s.stream, true, data.toString('utf8'));
        data = Buffer.alloc(0);
      }
      s.pending = Buffer.from(data);
      if (text) {
        const bytes = Buffer.byteLength(text);
        if (this.outBytes > 0 && this.outBytes + bytes > this.limits.maxLogBytes) await this.rotate();
        await this.out!.write(text);
        this.outBytes += bytes;
      }
      await this.emptyRaw(s);
    }
  }

  /**
   * Empties a raw output file read to its end, once it is large. The container writes with O_APPEND,
   * so its next write lands at the new start; only a write in the instant between the size check and
   * the truncation could be lost (the copytruncate trade-off logrotate makes).
   */
  private async emptyRaw(s: Source): Promise<void> {
    if (s.offset < this.limits.rawTruncateBytes || !s.handle) return;
    const { size } = await s.handle.stat();
    if (size !== s.offset) return;
    await truncate(s.path, 0);
    s.offset = 0;
  }

  /** Moves the full log aside (`<n>.log.<time>`), keeps `maxLogFiles - 1` of those, starts a new one. */
  private async rotate(): Promise<void> {
    await this.out?.close();
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    await rename(this.logPath, `${this.logPath}.${stamp}`).catch(() => undefined);
    const base = basename(this.logPath);
    const rotated = (await readdir(dirname(this.logPath)).catch(() => [] as string[])).filter((f) => f.startsWith(`${base}.`)).sort();
    for (const f of rotated.slice(0, Math.max(0, rotated.length - (this.limits.maxLogFiles - 1)))) await rm(join(dirname(this.logPath), f), { force: true });
    this.out = await open(this.logPath, 'a');
    this.outBytes = 0;
  }
}
