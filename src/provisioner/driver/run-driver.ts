import { spawn } from 'node:child_process';

/** The answer a driver prints on stdout: FlexVolume's shape plus the volume it made. */
export interface DriverAnswer {
  status: 'Success' | 'Failure' | 'Not supported';
  message?: string;
  [field: string]: unknown;
}

export interface RunDriverOptions {
  /** Killed (SIGKILL) after this long; 60 s by default. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What came of one call: the parsed answer, or why there is none (timeout, crash, garbage). */
export type DriverOutcome = { ok: true; answer: DriverAnswer } | { ok: false; message: string };

const maxOutput = 1024 * 1024;

function tail(s: string, n = 300): string {
  const t = s.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
}

function parseAnswer(stdout: string): DriverAnswer | undefined {
  // The answer is the last non-empty line, so a driver may log above it.
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1]?.trim() ?? '';
  for (const text of [stdout.trim(), last]) {
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const status = (v as { status?: unknown }).status;
        if (status === 'Success' || status === 'Failure' || status === 'Not supported') return v as DriverAnswer;
      }
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/**
 * Runs `DRIVER <verb> <json>` and reads its answer. A timeout, a crash, a non-zero exit without a
 * Failure answer, or output that is not an answer all come back as `ok: false` with a message that says
 * which, for the event the caller records.
 */
export function runDriver(driver: string, verb: string, payload: unknown, opts: RunDriverOptions = {}): Promise<DriverOutcome> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const done = (o: DriverOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    let child: ReturnType<typeof spawn>;
    try {
      // Its own process group, so a timeout kills whatever the driver started too (and their pipes close).
      child = spawn(driver, [verb, JSON.stringify(payload)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      resolve({ ok: false, message: `driver ${driver} could not be started: ${(e as Error).message}` });
      return;
    }
    const killAll = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, timeoutMs);
    const onAbort = killAll;
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (d: Buffer) => {
      if (stdout.length < maxOutput) stdout += d.toString('utf8');
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < maxOutput) stderr += d.toString('utf8');
    });
    child.on('error', (e) => done({ ok: false, message: `driver ${driver} could not be started: ${e.message}` }));
    child.on('close', (code, sig) => {
      if (timedOut) return done({ ok: false, message: `driver ${driver} ${verb} timed out after ${Math.round(timeoutMs / 100) / 10} s and was killed` });
      if (opts.signal?.aborted) return done({ ok: false, message: `driver ${driver} ${verb} was stopped` });
      const answer = parseAnswer(stdout);
      if (sig) return done({ ok: false, message: `driver ${driver} ${verb} crashed (${sig})${stderr ? `: ${tail(stderr)}` : ''}` });
      if (code !== 0) {
        if (answer?.status === 'Failure' && answer.message) return done({ ok: true, answer });
        return done({ ok: false, message: `driver ${driver} ${verb} exited with code ${code}${stderr || stdout ? `: ${tail(stderr || stdout)}` : ''}` });
      }
      if (!answer) return done({ ok: false, message: `driver ${driver} ${verb} printed no JSON answer with a status: ${tail(stdout) || '(nothing)'}` });
      done({ ok: true, answer });
    });
  });
}
