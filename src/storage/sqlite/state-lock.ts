import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * Claims a SQLite state file for one store at a time. The store keeps the current revision and every key's
 * state in memory, so a second store on the same file (a second `wharf up` on the same data directory) would
 * hand out revisions the first already gave, and each would miss the other's writes. SQLite's own locks
 * cannot say this: WAL lets several connections in, and this process holds two of its own.
 *
 * The claim is a file beside the state holding the owner's pid and start time. It outlives a process
 * killed with -9; the next store takes such a claim over once the process it names is gone (the start time
 * tells a live owner from an unrelated process that was given the same pid later).
 */
export class StateLock {
  private released = false;

  private constructor(
    private readonly path: string,
    private readonly claim: string,
  ) {}

  /** Claims `statePath` (through `<statePath>.lock`); throws if a live store holds it. */
  static acquire(statePath: string): StateLock {
    const path = `${statePath}.lock`;
    const claim = `${process.pid} ${startTime(process.pid) ?? ''}\n`;
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, claim);
        } finally {
          closeSync(fd);
        }
        return new StateLock(path, claim);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      }
      const holder = readClaim(path);
      if (holder && isAlive(holder)) {
        throw new Error(`${statePath} is in use by process ${holder.pid}${holder.pid === process.pid ? ' (this one)' : ''}: one server per state file`);
      }
      // The owner is gone without releasing its claim (killed, or the machine restarted).
      rmSync(path, { force: true });
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Only our own claim: one taken over after we were thought gone stays.
    if (readText(this.path) === this.claim) rmSync(this.path, { force: true });
  }
}

interface Claim {
  pid: number;
  startTime: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readClaim(path: string): Claim | undefined {
  const [pid, start] = (readText(path) ?? '').trim().split(' ');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, startTime: start ?? '' } : undefined;
}

function isAlive(claim: Claim): boolean {
  try {
    process.kill(claim.pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(claim.pid);
  return claim.startTime === '' || now === undefined || now === claim.startTime;
}

/** When a process started, in clock ticks since boot (Linux `/proc/<pid>/stat` field 22); undefined elsewhere. */
function startTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}
