import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync, write, writeSync, existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { AuditBackend, AuditEvent } from './types.js';

export interface LogBackendOptions {
  /** The log file; `-` writes to standard output (no rotation). */
  path: string;
  /** Rotate once the file would grow past this many megabytes (fractions allowed); 0 or absent: 100. */
  maxSizeMB?: number;
  /** Rotated files kept (the oldest are removed); 0 or absent: all. */
  maxBackups?: number;
  /** Where write errors go; the default prints them to stderr. */
  onError?: (err: Error) => void;
}

const defaultMaxSizeMB = 100;
/** Characters that make a flush happen before the end of the event-loop turn. */
const flushThreshold = 256 * 1024;

/** Bytes bound for one file at one offset. */
interface FileWrite {
  fd: number;
  buf: Buffer;
  position: number;
}

/**
 * Writes events as JSON lines. Lines collect in memory during one event-loop turn and are written together, so a
 * burst of requests costs one write. The write itself runs on libuv's thread pool, not on the event loop: the
 * event loop only encodes the lines. Each chunk goes to the offset it was given when it was cut, so chunks land
 * in order however the thread pool runs them, and writing a chunk again is harmless. That is what makes process
 * exit safe: the exit hook writes every chunk not yet known to be written (and what is still buffered)
 * synchronously, at its offset, so no accepted event is lost. Rotation follows kube-apiserver's (lumberjack's)
 * naming: `audit.log` becomes `audit-2024-05-01T12-00-00.000.log`.
 */
export class LogBackend implements AuditBackend {
  private readonly path: string;
  private readonly maxBytes: number;
  private readonly maxBackups: number;
  private readonly onError: (err: Error) => void;
  private fd: number | undefined;
  /** The current file's length once every queued chunk is written: the next chunk's offset. */
  private size = 0;
  private pending: string[] = [];
  private pendingChars = 0;
  private scheduled = false;
  private closed = false;
  private lastBackupMs = 0;
  /** Chunks cut but not yet known to be written, oldest first; the first is being written. */
  private writes: FileWrite[] = [];
  /** Files rotated away, closed once their last chunk is written. */
  private readonly retired = new Set<number>();
  private drained: (() => void)[] = [];
  private readonly exitHook = (): void => this.flushSync();

  constructor(options: LogBackendOptions) {
    this.path = options.path;
    this.maxBytes = Math.floor((options.maxSizeMB || defaultMaxSizeMB) * 1024 * 1024);
    this.maxBackups = options.maxBackups ?? 0;
    this.onError = options.onError ?? ((err) => process.stderr.write(`audit log ${this.path}: ${err.message}\n`));
    process.on('exit', this.exitHook);
  }

  processEvents(events: readonly AuditEvent[]): void {
    if (this.closed) return;
    for (const event of events) {
      let line: string;
      try {
        line = JSON.stringify(event) + '\n';
      } catch (e) {
        this.onError(e as Error);
        continue;
      }
      this.pending.push(line);
      this.pendingChars += line.length;
    }
    if (this.pendingChars >= flushThreshold) this.flush();
    else if (!this.scheduled && this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Cuts every buffered line into chunks and starts writing them. */
  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    const chars = this.pendingChars;
    this.pendingChars = 0;
    try {
      if (this.path === '-') {
        writeSync(1, lines.join(''));
        return;
      }
      const fd = this.open();
      // UTF-8 takes at most three bytes per UTF-16 unit: when even that fits, the batch is one chunk.
      if (this.size + 3 * chars <= this.maxBytes) {
        this.queue(fd, Buffer.from(lines.join('')));
        return;
      }
      // Each chunk goes whole into one file: rotate before a chunk that would pass the limit.
      let chunk: string[] = [];
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.size + chunkBytes + bytes > this.maxBytes && this.size + chunkBytes > 0) {
          if (chunk.length > 0) this.queue(this.open(), Buffer.from(chunk.join('')));
          chunk = [];
          chunkBytes = 0;
          this.rotate();
        }
        chunk.push(line);
        chunkBytes += bytes;
      }
      if (chunk.length > 0) this.queue(this.open(), Buffer.from(chunk.join('')));
    } catch (e) {
      this.onError(e as Error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.writes.length > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    process.off('exit', this.exitHook);
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch (e) {
        this.onError(e as Error);
      }
      this.fd = undefined;
    }
  }

  /** At exit: every chunk not known to be written, and what is still buffered, written now. */
  private flushSync(): void {
    this.flush();
    for (const w of this.writes) {
      try {
        let off = 0;
        while (off < w.buf.length) off += writeSync(w.fd, w.buf, off, w.buf.length - off, w.position + off);
      } catch (e) {
        this.onError(e as Error);
      }
    }
    this.writes = [];
  }

  private open(): number {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      // Not O_APPEND: chunks are written at offsets of their own, which appending would ignore.
      this.fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT, 0o600);
      this.size = fstatSync(this.fd).size;
    }
    return this.fd;
  }

  private queue(fd: number, buf: Buffer): void {
    this.writes.push({ fd, buf, position: this.size });
    this.size += buf.length;
    if (this.writes.length === 1) this.writeFirst(0);
  }

  /** Writes the oldest chunk from `done` bytes on; the next starts when it is written. */
  private writeFirst(done: number): void {
    const w = this.writes[0]!;
    write(w.fd, w.buf, done, w.buf.length - done, w.position + done, (err, n) => {
      // The exit hook may have written and dropped it meanwhile.
      if (this.writes[0] !== w) return;
      if (!err && done + n < w.buf.length) {
        this.writeFirst(done + n);
        return;
      }
      if (err) this.onError(err);
      this.writes.shift();
      if (this.retired.has(w.fd) && !this.writes.some((x) => x.fd === w.fd)) this.closeRetired(w.fd);
      if (this.writes.length > 0) this.writeFirst(0);
      else for (const resolve of this.drained.splice(0)) resolve();
    });
  }

  private closeRetired(fd: number): void {
    this.retired.delete(fd);
    try {
      closeSync(fd);
    } catch (e) {
      this.onError(e as Error);
    }
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      // Chunks still being written go on to the renamed file; its descriptor closes after the last of them.
      const fd = this.fd;
      this.fd = undefined;
      if (this.writes.some((w) => w.fd === fd)) this.retired.add(fd);
      else closeSync(fd);
    }
    if (existsSync(this.path)) renameSync(this.path, this.backupName(new Date()));
    this.size = 0;
    this.removeOldBackups();
  }

  private backupName(at: Date): string {
    const ext = extname(this.path);
    const stem = basename(this.path, ext);
    // Two rotations in one millisecond must not overwrite each other: the later one takes the next millisecond, so
    // names stay unique and still sort by age.
    let ms = Math.max(at.getTime(), this.lastBackupMs + 1);
    let name: string;
    // lumberjack's format, 2006-01-02T15-04-05.000, in UTC: sortable and free of ':' for every filesystem.
    while (existsSync((name = join(dirname(this.path), `${stem}-${new Date(ms).toISOString().replace(/:/g, '-').replace(/Z$/, '')}${ext}`)))) ms++;
    this.lastBackupMs = ms;
    return name;
  }

  private removeOldBackups(): void {
    if (this.maxBackups <= 0) return;
    const dir = dirname(this.path);
    const ext = extname(this.path);
    const stem = basename(this.path, ext);
    const pattern = new RegExp(`^${escapeRegExp(stem)}-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}${escapeRegExp(ext)}$`);
    const backups = readdirSync(dir)
      .filter((f) => pattern.test(f))
      .sort();
    for (const old of backups.slice(0, Math.max(0, backups.length - this.maxBackups))) unlinkSync(join(dir, old));
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
