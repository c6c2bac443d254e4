import { startTime, type Victims } from './select-victims.js';

export interface Candidate {
  nodeName: string;
  victims: Victims;
}

const INT32_MAX = 2147483647;

function keepBest<T>(items: T[], value: (t: T) => number, lowest: boolean): T[] {
  let best = lowest ? Infinity : -Infinity;
  let out: T[] = [];
  for (const it of items) {
    const v = value(it);
    if (lowest ? v < best : v > best) {
      best = v;
      out = [it];
    } else if (v === best) out.push(it);
  }
  return out;
}

/**
 * Upstream pickOneNodeForPreemption, criterion by criterion until one node is left: fewest PDB
 * violations; lowest highest-priority victim; smallest sum of victim priorities; fewest victims; the
 * latest start among the highest-priority victims; then the first.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  let c = [...candidates];
  c = keepBest(c, (x) => x.victims.numPDBViolations, true);
  if (c.length > 1) c = keepBest(c, (x) => x.victims.pods[0]!.priority, true);
  if (c.length > 1) c = keepBest(c, (x) => x.victims.pods.reduce((s, p) => s + p.priority + INT32_MAX + 1, 0), true);
  if (c.length > 1) c = keepBest(c, (x) => x.victims.pods.length, true);
  if (c.length > 1) {
    c = keepBest(
      c,
      (x) => {
        const top = x.victims.pods[0]!.priority;
        let earliest = Infinity;
        for (const p of x.victims.pods) if (p.priority === top) earliest = Math.min(earliest, startTime(p.pod));
        return earliest;
      },
      false,
    );
  }
  return c[0];
}
