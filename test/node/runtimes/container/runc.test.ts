import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostSupport } from '../../../../src/node/runtimes/container/host-support.js';
import { Runc } from '../../../../src/node/runtimes/container/runc.js';

const support = await checkHostSupport();
const skip = support.ok ? false : `needs root and runc: ${support.reason}`;

test('Runc.run() runs a bundle in a detached shim that records the exit status; kill, state, list and delete work', { skip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-runc-'));
  const runc = new Runc({ root: join(dir, 'state') });
  const id = `wharf-test-${Date.now()}`;
  try {
    await mkdir(join(dir, 'rootfs', 'bin'), { recursive: true });
    await copyFile('/usr/bin/busybox', join(dir, 'rootfs', 'bin', 'busybox'));
    await symlink('busybox', join(dir, 'rootfs', 'bin', 'sh'));
    execFileSync('/usr/sbin/runc', ['spec', '--bundle', dir]);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[] } };
    config.process.terminal = false;
    config.process.args = ['sh', '-c', 'echo out; echo err >&2; trap "exit 7" TERM; while true; do sleep 1 & wait $!; done'];
    // runc spec gives the container its own network namespace: nothing to reach, nothing reached.
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const files = { bundle: dir, stdout: join(dir, 'out'), stderr: join(dir, 'err'), pidFile: join(dir, 'pid'), exitFile: join(dir, 'exit'), runcLog: join(dir, 'runc.log') };
    const child = runc.run(id, files);
    child.ref(); // the shim is unref'd so an agent can exit; this test waits for it
    const exited = new Promise((r) => child.once('exit', r));
    for (let i = 0; i < 200 && (await runc.state(id))?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal((await runc.state(id))?.status, 'running');
    assert.ok((await runc.list()).some((c) => c.id === id));
    await runc.kill(id, 'TERM');
    await exited;
    assert.equal((await readFile(files.exitFile, 'utf8')).trim(), '7');
    assert.equal(await readFile(files.stdout, 'utf8'), 'out\n');
    assert.equal(await readFile(files.stderr, 'utf8'), 'err\n');
    // Gone already (runc run removes what it ran); deleting and killing again are no-ops.
    assert.equal(await runc.state(id), undefined);
    await runc.delete(id);
    await runc.kill(id, 'KILL');
  } finally {
    await runc.delete(id).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
