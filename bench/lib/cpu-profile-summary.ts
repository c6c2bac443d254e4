import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameCost {
  frame: string;
  /** Percent of all samples spent in this frame itself. */
  selfPct: number;
  /** Percent of all samples with this frame anywhere on the stack (counted once per sample). */
  totalPct: number;
}

/** Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function. */
export function summarizeCpuProfile(file: string, root?: string): { frames: FrameCost[]; byFile: { file: string; selfPct: number }[]; totalMs: number } {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) byId.set(n.id, n);
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const name = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    let where = url.replace(/^file:\/\//, '');
    if (root && where.startsWith(root)) where = where.slice(root.length + 1);
    return `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber + 1}` : ''}`;
  };
  const fileOf = (n: ProfileNode) => {
    let where = n.callFrame.url.replace(/^file:\/\//, '');
    if (root && where.startsWith(root)) where = where.slice(root.length + 1);
    return where || n.callFrame.functionName || '(native)';
  };

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let all = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    all += dt;
    const leaf = byId.get(id)!;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
    files.set(fileOf(leaf), (files.get(fileOf(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = name(byId.get(cur)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  });
  const pct = (v: number) => (all ? (100 * v) / all : 0);
  const frames = [...total.entries()].map(([frame, t]) => ({ frame, selfPct: pct(self.get(frame) ?? 0), totalPct: pct(t) }));
  frames.sort((a, b) => b.selfPct - a.selfPct);
  const byFile = [...files.entries()].map(([file, s]) => ({ file, selfPct: pct(s) })).sort((a, b) => b.selfPct - a.selfPct);
  return { frames, byFile, totalMs: all / 1000 };
}

/** Inclusive time of the frames whose name matches `pattern`, highest first. */
export function inclusiveMatching(file: string, pattern: RegExp, root?: string): FrameCost[] {
  return summarizeCpuProfile(file, root).frames.filter((f) => pattern.test(f.frame)).sort((a, b) => b.totalPct - a.totalPct);
}
