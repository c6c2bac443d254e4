import path from 'node:path';
import { cpuProfileFiles, loadCpuProfile } from './cpu-profile-summary.js';

/** One stretch of a thread's event loop without an idle sample: a task (or tasks back to back) that held it. */
export interface LongTask {
  /** Milliseconds from the start of the profile. */
  startMs: number;
  durationMs: number;
  /** The frames on the stack for most of the stretch, with their inclusive milliseconds, most first. */
  frames: { frame: string; ms: number }[];
}

/**
 * Finds the stretches in a V8 .cpuprofile (from `node --cpu-prof`) where the thread ran for longer than
 * `thresholdMs` without going idle, which is when every other request or event waited, and names what ran.
 */
export function findLongTasks(file: string, thresholdMs: number, root?: string): { tasks: LongTask[]; profiledMs: number } {
  const prof = loadCpuProfile(file, root);
  const tasks: LongTask[] = [];
  let at = 0;
  let start = -1;
  let inclusive = new Map<string, number>();
  const close = (end: number): void => {
    if (start >= 0 && end - start >= thresholdMs) {
      const frames = [...inclusive]
        .filter(([frame]) => frame !== '(root)')
        .sort((a, b) => b[1] - a[1])
        .map(([frame, us]) => ({ frame, ms: us / 1000 }));
      tasks.push({ startMs: start, durationMs: end - start, frames });
    }
    start = -1;
    inclusive = new Map();
  };
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    at += dt / 1000;
    if (prof.isIdle(id)) return close(at);
    if (start < 0) start = at;
    for (const frame of prof.stack(id)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + dt);
  });
  close(at);
  return { tasks, profiledMs: at };
}

/**
 * Prints, for each thread's `.cpuprofile` in `dir`, how often its event loop was held longer than
 * `thresholdMs` and, for the longest such stretches, the frames that ran in them.
 */
export function printLongTasks(dir: string, root: string, thresholdMs: number, out: (line: string) => void = console.log): void {
  for (const file of cpuProfileFiles(dir)) {
    const { tasks, profiledMs } = findLongTasks(path.join(dir, file), thresholdMs, root);
    const heldMs = tasks.reduce((s, t) => s + t.durationMs, 0);
    out(`\n${file}: ${tasks.length} stretches without idle of ${thresholdMs} ms or more, ${(heldMs / 1000).toFixed(1)} s of ${(profiledMs / 1000).toFixed(1)} s`);
    for (const t of [...tasks].sort((a, b) => b.durationMs - a.durationMs).slice(0, 8)) {
      out(`  ${t.durationMs.toFixed(0)} ms at ${(t.startMs / 1000).toFixed(1)} s:`);
      for (const f of t.frames.slice(0, 12)) out(`    ${f.ms.toFixed(0).padStart(6)} ms  ${f.frame}`);
    }
  }
}
