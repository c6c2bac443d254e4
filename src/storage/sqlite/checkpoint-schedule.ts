/** When the WAL is copied into the database file, for a writer that never checkpoints inline. */
export interface CheckpointLimits {
  /** Bytes committed since the last background checkpoint began after which the next one begins. */
  everyBytes: number;
  /**
   * WAL frames (pages) past which the writer finishes a checkpoint itself. Under steady writes a background
   * checkpoint never catches up with the writer, and SQLite starts the WAL over only once every frame is
   * copied; without this bound the WAL would grow for as long as the writes go on.
   */
  maxWalFrames: number;
}

/** About 1,000 pages per background checkpoint, as SQLite's own autocheckpoint; a WAL of at most 64 MiB. */
export const defaultCheckpointLimits: CheckpointLimits = { everyBytes: 4 << 20, maxWalFrames: 16384 };

/**
 * Decides, for the log writer, when to ask the checkpoint thread for a checkpoint and when to finish one
 * itself. A checkpoint inside a commit stalled that commit by 5–10 ms for every 4 MiB written, and every
 * write waiting behind it; in the background it costs the writer nothing until the WAL reaches its bound.
 */
export class CheckpointSchedule {
  private written = 0;
  private running = false;
  private catchUpDue = false;

  constructor(private readonly limits: CheckpointLimits = defaultCheckpointLimits) {}

  /** A commit of about `bytes` is durable; true when a background checkpoint should begin now. */
  committed(bytes: number): boolean {
    this.written += bytes;
    if (this.running || this.written < this.limits.everyBytes) return false;
    this.running = true;
    this.written = 0;
    return true;
  }

  /** The background checkpoint is over; the WAL then held `walFrames` frames. */
  finished(walFrames: number): void {
    this.running = false;
    if (walFrames > this.limits.maxWalFrames) this.catchUpDue = true;
  }

  /** True once after the WAL passed its bound: the writer should copy the frames still left, so it starts over. */
  takeCatchUp(): boolean {
    const due = this.catchUpDue;
    this.catchUpDue = false;
    return due;
  }
}
