import Database from 'better-sqlite3';
import { startModuleWorker } from '../../api/module-worker.js';
import type { CheckpointLimits } from './checkpoint-schedule.js';
import { openWriter, type LogRowTuple } from './log-schema.js';

/**
 * Commits batches of log rows, in the order asked; each promise resolves once its batch is durable. After a
 * failed commit every later one is refused until `resume()`.
 */
export interface LogWriter {
  commit(rows: LogRowTuple[]): Promise<void>;
  compact(revision: number): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** Commits on the calling thread: the event loop waits for each fsync. */
export function inlineLogWriter(path: string, durable: boolean): LogWriter {
  const w = openWriter(Database, path, durable);
  return {
    commit: async (rows) => w.commit(rows),
    compact: async (rev) => w.compact(rev),
    resume: async () => w.resume(),
    close: async () => w.close(),
  };
}

/** What the store asks of the writer thread, and its answers. */
export type WriterRequest = { id: number } & (
  | { type: 'commit'; rows: LogRowTuple[] }
  | { type: 'compact'; revision: number }
  | { type: 'resume' }
  | { type: 'close' }
);
export interface WriterReply {
  id: number;
  error?: string;
}

/**
 * Commits on a thread of its own: the event loop goes on serving requests while a commit syncs, and the
 * writes that arrive meanwhile share the next commit. On the 2-core machine of bench/README.md this gave
 * 2,513 creates/s against 2,307 committing inline (three runs each, alternating). The thread holds the
 * process open only while a commit is under way.
 */
export function threadLogWriter(path: string, durable: boolean, checkpointLimits: CheckpointLimits): LogWriter {
  // No inherited flags: the process' own (`--input-type`, `--test`, ...) may not suit a module worker.
  const workerData = { path, durable, checkpointLimits };
  const worker = startModuleWorker(import.meta.url, 'log-writer-worker', { workerData, execArgv: [] });
  worker.unref();
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  const failAll = (e: Error): void => {
    failure = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('message', (m: WriterReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (waiting.size === 0) worker.unref();
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve();
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`the SQLite writer thread exited (code ${code})`)));
  const ask = (request: WriterRequest): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.set(request.id, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    });
  return {
    commit: (rows) => ask({ id: nextId++, type: 'commit', rows }),
    compact: (revision) => ask({ id: nextId++, type: 'compact', revision }),
    resume: () => ask({ id: nextId++, type: 'resume' }),
    close: async () => {
      if (!failure) await ask({ id: nextId++, type: 'close' }).catch(() => undefined);
      failure ??= new Error('the SQLite writer is closed');
      await worker.terminate();
    },
  };
}
