import Database from 'better-sqlite3';
import { openWriter, type LogRowTuple } from './log-schema.js';

/** Commits batches of log rows; each promise resolves once its batch is durable. */
export interface LogWriter {
  commit(rows: LogRowTuple[]): Promise<void>;
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Commits on the calling thread: the event loop waits for each fsync. (A writer thread was measured and
 * lost on two cores: fsync here takes about 0.3 ms, and the thread competes with the event loop for CPU.)
 */
export function inlineLogWriter(path: string, durable: boolean): LogWriter {
  const w = openWriter(Database, path, durable);
  return {
    commit: async (rows) => w.commit(rows),
    compact: async (rev) => w.compact(rev),
    close: async () => w.close(),
  };
}
