/**
 * The SQLite log writer's thread: owns the writing connection and answers each commit once it is durable,
 * so the API server's event loop keeps serving requests while the disk syncs.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { openWriter } from './log-schema.js';
import type { WriterReply, WriterRequest } from './log-writer.js';

const { path, durable } = workerData as { path: string; durable: boolean };
const port = parentPort!;
let writer: ReturnType<typeof openWriter> | undefined;
let openError: string | undefined;
try {
  writer = openWriter(Database, path, durable);
} catch (e) {
  openError = e instanceof Error ? e.message : String(e);
}

port.on('message', (m: WriterRequest) => {
  let reply: WriterReply = { id: m.id };
  try {
    if (!writer) throw new Error(`opening ${path} failed: ${openError}`);
    if (m.type === 'commit') writer.commit(m.rows);
    else if (m.type === 'compact') writer.compact(m.revision);
    else if (m.type === 'resume') writer.resume();
    else {
      writer.close();
      writer = undefined;
      openError = 'closed';
    }
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
