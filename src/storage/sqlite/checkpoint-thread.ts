import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../api/module-worker.js';
import { CheckpointSchedule, type CheckpointLimits } from './checkpoint-schedule.js';
import type { CheckpointReply } from './checkpoint-worker.js';
import type { LogRowTuple, LogWriterConnection } from './log-schema.js';

/**
 * The checkpoint thread as the writer thread drives it: asked for a checkpoint every few MiB committed, and
 * followed by one of the writer's own whenever the WAL has outgrown its bound. The thread starts with the
 * first checkpoint, so a server that writes little never has it (it takes about 9 MiB). If the thread
 * fails, the writer goes back to checkpointing inside its commits, so the WAL never grows without end.
 */
export class CheckpointThread {
  private readonly schedule: CheckpointSchedule;
  private worker: Worker | undefined;
  /** Set once the thread failed or was closed: the writer checkpoints by itself from then on. */
  private over = false;

  constructor(
    private readonly path: string,
    limits: CheckpointLimits,
    private readonly writer: LogWriterConnection,
  ) {
    this.schedule = new CheckpointSchedule(limits);
  }

  /** `rows` are durable. */
  committed(rows: LogRowTuple[]): void {
    if (this.over) return;
    // The row's value and key, plus what its index entry and row header take.
    let bytes = 0;
    for (const r of rows) bytes += r[5].length + 2 * r[1].length + 48;
    if (!this.schedule.committed(bytes)) return;
    try {
      (this.worker ??= this.start()).postMessage('checkpoint');
    } catch {
      this.fallBack();
    }
  }

  /** Stops the thread once its checkpoint, if one is under way, is over. */
  async close(): Promise<void> {
    this.over = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('close');
    await exited;
  }

  private start(): Worker {
    const worker = startModuleWorker(import.meta.url, 'checkpoint-worker', { workerData: { path: this.path }, execArgv: [] });
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => this.answered(reply));
    worker.on('error', () => this.fallBack());
    worker.on('exit', () => this.fallBack());
    return worker;
  }

  private answered(reply: CheckpointReply): void {
    if (this.over) return;
    if ('error' in reply) return this.fallBack();
    this.schedule.finished(reply.walFrames);
    if (!this.schedule.takeCatchUp()) return;
    // Between two commits: only the frames committed while the thread worked are left to copy. Should that
    // fail, the writer's commits checkpoint from now on, and report the disk's trouble themselves.
    try {
      this.writer.checkpoint();
    } catch {
      this.fallBack();
    }
  }

  private fallBack(): void {
    if (this.over) return;
    this.over = true;
    this.writer.checkpointInline();
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
