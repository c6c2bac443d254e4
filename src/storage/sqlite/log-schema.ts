import type Database from 'better-sqlite3';

/** The log table: one row per write, keyed by revision; a delete's row keeps the deleted value. */
export function createLogSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS log (
      rev INTEGER PRIMARY KEY,
      key TEXT NOT NULL,
      create_rev INTEGER NOT NULL,
      prev_rev INTEGER NOT NULL,
      deleted INTEGER NOT NULL,
      value TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `);
}

/** One log row: rev, key, create_rev, prev_rev, deleted, value. */
export type LogRowTuple = [number, string, number, number, 0 | 1, string];

/** The connection that writes the log. */
export interface LogWriterConnection {
  commit(rows: LogRowTuple[]): void;
  compact(revision: number): void;
  resume(): void;
  /** Copies what is left of the WAL into the database file, so the next commit starts the WAL over. */
  checkpoint(): void;
  /** From now on the connection checkpoints inside its commits, as SQLite does by default. */
  checkpointInline(): void;
  close(): void;
}

/**
 * Opens the connection that writes, with the durability asked for. Commits apply in the order they are
 * asked for, and the store hands over a batch before the one before it is acknowledged; so once a commit
 * fails, every later one is refused until `resume()`: none may land on disk without the one it follows.
 * With `checkpointsInline` false, commits never copy the WAL into the database file: a checkpoint thread
 * does (see checkpoint-worker.ts).
 */
export function openWriter(Db: typeof Database, path: string, durable: boolean, checkpointsInline = true): LogWriterConnection {
  const db = new Db(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  if (!checkpointsInline) db.pragma('wal_autocheckpoint = 0');
  createLogSchema(db);
  const insert = db.prepare('INSERT INTO log (rev, key, create_rev, prev_rev, deleted, value) VALUES (?, ?, ?, ?, ?, ?)');
  const commit = db.transaction((rows: LogRowTuple[]) => {
    for (const r of rows) insert.run(r[0], r[1], r[2], r[3], r[4], r[5]);
  });
  const compact = db.transaction((revision: number) => {
    // Keep, for each key, its latest row at or below `revision` unless that row is a delete.
    db.prepare(
      'DELETE FROM log WHERE rev <= ? AND (deleted = 1 OR rev < (SELECT max(rev) FROM log m WHERE m.key = log.key AND m.rev <= ?))',
    ).run(revision, revision);
    db.prepare("INSERT INTO meta (name, value) VALUES ('compacted', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value").run(revision);
  });
  let failure: string | undefined;
  return {
    commit: (rows) => {
      if (failure !== undefined) throw new Error(`refused after an earlier commit failed: ${failure}`);
      try {
        commit(rows);
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
        throw e;
      }
    },
    compact: (rev) => compact(rev),
    resume: () => {
      failure = undefined;
    },
    checkpoint: () => db.pragma('wal_checkpoint(PASSIVE)'),
    checkpointInline: () => db.pragma('wal_autocheckpoint = 1000'),
    close: () => db.close(),
  };
}
