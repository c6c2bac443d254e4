import { access, constants, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What this machine lets the runtime enforce through cgroups. */
export interface CgroupSupport {
  /** 2 for the unified hierarchy, 1 for per-controller hierarchies; undefined without cgroups. */
  version: 1 | 2 | undefined;
  cpuLimits: boolean;
  memoryLimits: boolean;
  /** v1 only: memory+swap accounting exists, so a limit can forbid swap too. */
  memorySwap: boolean;
  /** Human-readable notes on what is not enforced and why (empty when everything is). */
  notEnforced: string[];
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Detects cgroup support under `root` (/sys/fs/cgroup): the unified v2 hierarchy with the cpu and
 * memory controllers enabled, or v1 cpu and memory hierarchies, and in both cases write access (a
 * read-only cgroupfs, as in many unprivileged containers, means limits cannot be set).
 */
export async function detectCgroupSupport(root = '/sys/fs/cgroup'): Promise<CgroupSupport> {
  const notEnforced: string[] = [];
  const controllersFile = join(root, 'cgroup.controllers');
  if (existsSync(controllersFile)) {
    const controllers = (await readFile(controllersFile, 'utf8')).trim().split(/\s+/);
    const ok = await writable(root);
    const cpu = ok && controllers.includes('cpu');
    const memory = ok && controllers.includes('memory');
    if (!ok) notEnforced.push(`cgroup v2 at ${root} is not writable: CPU and memory limits are not enforced`);
    else {
      if (!cpu) notEnforced.push('the cgroup v2 cpu controller is not enabled: CPU limits are not enforced');
      if (!memory) notEnforced.push('the cgroup v2 memory controller is not enabled: memory limits are not enforced');
    }
    return { version: 2, cpuLimits: cpu, memoryLimits: memory, memorySwap: false, notEnforced };
  }
  const memDir = join(root, 'memory');
  const cpuDir = [join(root, 'cpu'), join(root, 'cpu,cpuacct')].find((d) => existsSync(join(d, 'cpu.cfs_quota_us')));
  if (!existsSync(memDir) && !cpuDir) {
    return { version: undefined, cpuLimits: false, memoryLimits: false, memorySwap: false, notEnforced: ['no cgroup hierarchy found: CPU and memory limits are not enforced'] };
  }
  const memory = existsSync(join(memDir, 'memory.limit_in_bytes')) && (await writable(memDir));
  const cpu = !!cpuDir && (await writable(cpuDir));
  if (!memory) notEnforced.push('the cgroup v1 memory hierarchy is missing or read-only: memory limits are not enforced');
  if (!cpu) notEnforced.push('the cgroup v1 cpu hierarchy is missing or read-only: CPU limits are not enforced');
  return { version: 1, cpuLimits: cpu, memoryLimits: memory, memorySwap: memory && existsSync(join(memDir, 'memory.memsw.limit_in_bytes')), notEnforced };
}
