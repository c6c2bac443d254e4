import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCgroupSupport } from '../../../../src/node/runtimes/container/cgroup-support.js';

test('detectCgroupSupport() reads the v2 controllers and v1 hierarchies, and says what is not enforced', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wharf-cg-'));
  try {
    const v2 = join(root, 'v2');
    await mkdir(v2);
    await writeFile(join(v2, 'cgroup.controllers'), 'cpuset io memory pids\n');
    const a = await detectCgroupSupport(v2);
    assert.equal(a.version, 2);
    assert.equal(a.memoryLimits, true);
    assert.equal(a.cpuLimits, false);
    assert.deepEqual(a.notEnforced, ['the cgroup v2 cpu controller is not enabled: CPU limits are not enforced']);

    const v1 = join(root, 'v1');
    await mkdir(join(v1, 'memory'), { recursive: true });
    await mkdir(join(v1, 'cpu,cpuacct'), { recursive: true });
    await writeFile(join(v1, 'memory', 'memory.limit_in_bytes'), '');
    await writeFile(join(v1, 'cpu,cpuacct', 'cpu.cfs_quota_us'), '');
    const b = await detectCgroupSupport(v1);
    assert.deepEqual({ ...b }, { version: 1, cpuLimits: true, memoryLimits: true, memorySwap: false, notEnforced: [] });

    const none = await detectCgroupSupport(join(root, 'absent'));
    assert.equal(none.version, undefined);
    assert.equal(none.notEnforced.length, 1);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
