import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync, writeSync, existsSync } from 'node:fs';
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
/** Bytes that make a flush happen before the end of the event-loop turn. */
const flushThreshold = 256 * 1024;

/**
 * Writes events as JSON lines. Lines collect in memory during one event-loop turn and are written together, so a
 * burst of requests costs one write; `close()` (and process exit) writes what is left, so no accepted event is lost.
 * Rotation follows kube-apiserver's (lumberjack's) naming: `audit.log` becomes `audit-2024-05-01T12-00-00.000.log`.
 */
export class LogBackend implements AuditBackend {
  private readonly path: string;
  private readonly maxBytes: number;
  private readonly maxBackups: number;
  private readonly onError: (err: Error) => void;
  private fd: number | undefined;
  private size = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private closed = false;
  private lastBackupMs = 0;
  private readonly exitHook = (): void => this.flush();

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
      this.pendingBytes += Buffer.byteLength(line);
    }
    if (this.pendingBytes >= flushThreshold) this.flush();
    else if (!this.scheduled && this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Writes every buffered line now. */
  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      if (this.path === '-') {
        writeSync(1, lines.join(''));
        return;
      }
      // Each chunk goes whole into one file: rotate before a chunk that would pass the limit.
      let chunk: string[] = [];
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.size + chunkBytes + bytes > this.maxBytes && this.size + chunkBytes > 0) {
          this.write(chunk.join(''), chunkBytes);
          chunk = [];
          chunkBytes = 0;
          this.rotate();
        }
        chunk.push(line);
        chunkBytes += bytes;
      }
      this.write(chunk.join(''), chunkBytes);
    } catch (e) {
      this.onError(e as Error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
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

  private open(): number {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
    }
    return this.fd;
  }

  private write(text: string, bytes: number): void {
    if (bytes === 0) return;
    const fd = this.open();
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    this.size += bytes;
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
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
