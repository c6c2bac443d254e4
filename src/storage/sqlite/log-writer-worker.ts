/**
 * The SQLite log writer's thread: owns the writing connection and answers each commit once it is durable,
 * so the API server's event loop keeps serving requests while the disk syncs. A thread of its own copies
 * the WAL into the database file (see checkpoint-thread.ts), so no commit waits for that.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointLimits } from './checkpoint-schedule.js';
import { CheckpointThread } from './checkpoint-thread.js';
import { openWriter, type LogWriterConnection } from './log-schema.js';
import type { WriterReply, WriterRequest } from './log-writer.js';

const { path, durable, checkpointLimits } = workerData as { path: string; durable: boolean; checkpointLimits: CheckpointLimits };
const port = parentPort!;
let writer: LogWriterConnection | undefined;
let openError: string | undefined;
try {
  writer = openWriter(Database, path, durable, false);
} catch (e) {
  openError = e instanceof Error ? e.message : String(e);
}
const checkpoints = writer && new CheckpointThread(path, checkpointLimits, writer);

port.on('message', (m: WriterRequest) => void answer(m));

async function answer(m: WriterRequest): Promise<void> {
  let reply: WriterReply = { id: m.id };
  try {
    if (!writer) throw new Error(`opening ${path} failed: ${openError}`);
    if (m.type === 'commit') {
      writer.commit(m.rows);
      checkpoints?.committed(m.rows);
    } else if (m.type === 'compact') writer.compact(m.revision);
    else if (m.type === 'resume') writer.resume();
    else {
      const closing = writer;
      writer = undefined;
      openError = 'closed';
      await checkpoints?.close();
      closing.close();
    }
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
}
