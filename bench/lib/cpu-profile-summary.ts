import { readdirSync, readFileSync } from 'node:fs';

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

/** A V8 .cpuprofile read for walking: its samples, and each sample's frames named with paths relative to `root`. */
export interface LoadedProfile {
  samples: number[];
  timeDeltas: number[];
  /** `function path:line` of a profile node. */
  name(id: number): string;
  /** The file of a profile node (or its function, for native frames). */
  fileOf(id: number): string;
  /** Whether the node is V8's idle marker. */
  isIdle(id: number): boolean;
  /** Each distinct frame name on the stack of a sample's node, leaf first. */
  stack(id: number): Set<string>;
}

/** The `.cpuprofile` files `node --cpu-prof` wrote into `dir` (one per thread), in name order. */
export function cpuProfileFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
}

/** Reads a .cpuprofile; frame names and stacks are worked out once per profile node, not once per sample. */
export function loadCpuProfile(file: string, root?: string): LoadedProfile {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) byId.set(n.id, n);
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = (n: ProfileNode): string => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    return root && url.startsWith(root) ? url.slice(root.length + 1) : url;
  };
  const names = new Map<number, string>();
  const name = (id: number): string => {
    let named = names.get(id);
    if (named === undefined) {
      const n = byId.get(id)!;
      const w = where(n);
      names.set(id, (named = `${n.callFrame.functionName || '(anonymous)'}${w ? ` ${w}:${n.callFrame.lineNumber + 1}` : ''}`));
    }
    return named;
  };
  const stacks = new Map<number, Set<string>>();
  return {
    samples: prof.samples,
    timeDeltas: prof.timeDeltas,
    name,
    fileOf: (id) => where(byId.get(id)!) || byId.get(id)!.callFrame.functionName || '(native)',
    isIdle: (id) => byId.get(id)!.callFrame.functionName === '(idle)',
    stack(id) {
      let seen = stacks.get(id);
      if (!seen) {
        seen = new Set<string>();
        for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) seen.add(name(cur));
        stacks.set(id, seen);
      }
      return seen;
    },
  };
}

/** Summarises a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function. */
export function summarizeCpuProfile(file: string, root?: string): { frames: FrameCost[]; byFile: { file: string; selfPct: number }[]; totalMs: number } {
  const prof = loadCpuProfile(file, root);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let all = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    all += dt;
    const leaf = prof.name(id);
    self.set(leaf, (self.get(leaf) ?? 0) + dt);
    const f = prof.fileOf(id);
    files.set(f, (files.get(f) ?? 0) + dt);
    for (const frame of prof.stack(id)) total.set(frame, (total.get(frame) ?? 0) + dt);
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
