import path from 'node:path';
import { cpuProfileFiles, summarizeCpuProfile } from './cpu-profile-summary.js';

/**
 * Prints where each thread's CPU went, from the `.cpuprofile` files `node --cpu-prof` wrote into `dir` (one
 * per thread: the API server's, the components', tsx's loader): self time by file and the top frames by
 * inclusive time. Paths are shown relative to `root`.
 */
export function printCpuProfiles(dir: string, root: string, out: (line: string) => void = console.log): void {
  const files = cpuProfileFiles(dir);
  if (files.length === 0) out(`\nno .cpuprofile written in ${dir}`);
  for (const file of files) {
    const summary = summarizeCpuProfile(path.join(dir, file), root);
    out(`\n${file} (${(summary.totalMs / 1000).toFixed(1)} s sampled), self time by file:`);
    for (const f of summary.byFile.slice(0, 15)) out(`  ${f.selfPct.toFixed(1).padStart(5)}%  ${f.file}`);
    out('top frames by inclusive time:');
    for (const f of [...summary.frames].sort((a, b) => b.totalPct - a.totalPct).slice(0, 25)) out(`  ${f.totalPct.toFixed(1).padStart(5)}% total ${f.selfPct.toFixed(1).padStart(5)}% self  ${f.frame}`);
  }
}
