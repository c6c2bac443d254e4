import { readFileSync } from 'node:fs';

export interface MemoryStatus {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size, bytes. */
  hwm: number;
}

/** Reads VmRSS and VmHWM of a process from /proc (Linux only). */
export function memoryStatus(pid: number): MemoryStatus {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: field(text, 'VmRSS'), hwm: field(text, 'VmHWM') };
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`no ${name} in /proc status`);
  return Number(m[1]) * 1024;
}

/** User plus system CPU time a process has used so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond;
}
