/**
 * The SQLite checkpoint thread: copies the WAL into the database file on a connection of its own, while the
 * writer thread goes on committing. SQLite lets one checkpoint run beside a writer (PASSIVE mode takes no
 * writer lock); it copies the frames committed before it began.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/** What the checkpoint thread answers to each request: the WAL's frames then, or why it failed. */
export type CheckpointReply = { walFrames: number } | { error: string };

const { path } = workerData as { path: string };
const port = parentPort!;
let db: Database.Database | undefined;

port.on('message', (m: 'checkpoint' | 'close') => {
  if (m === 'close') {
    db?.close();
    port.close();
    return;
  }
  let reply: CheckpointReply;
  try {
    db ??= openCheckpointer(path);
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    reply = { walFrames: result.log };
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});

function openCheckpointer(file: string): Database.Database {
  const conn = new Database(file);
  conn.pragma('busy_timeout = 5000');
  // The database file is synced before the WAL may start over, whatever this connection would default to.
  conn.pragma('synchronous = FULL');
  conn.pragma('wal_autocheckpoint = 0');
  return conn;
}
