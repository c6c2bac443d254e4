import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveImageUser } from '../../../../src/node/runtimes/container/image-user.js';

test('resolveImageUser() reads numeric users and names from the rootfs passwd and group files', async () => {
  const rootfs = await mkdtemp(join(tmpdir(), 'wharf-user-'));
  try {
    await mkdir(join(rootfs, 'etc'));
    await writeFile(join(rootfs, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:101:102::/home/web:/bin/sh\n');
    await writeFile(join(rootfs, 'etc', 'group'), 'root:x:0:\nstaff:x:50:\n');
    assert.deepEqual(await resolveImageUser(rootfs, undefined), { uid: 0, gid: 0 });
    assert.deepEqual(await resolveImageUser(rootfs, 'web'), { uid: 101, gid: 102 });
    assert.deepEqual(await resolveImageUser(rootfs, '101'), { uid: 101, gid: 102 });
    assert.deepEqual(await resolveImageUser(rootfs, '5000:7'), { uid: 5000, gid: 7 });
    assert.deepEqual(await resolveImageUser(rootfs, 'web:staff'), { uid: 101, gid: 50 });
    await assert.rejects(resolveImageUser(rootfs, 'nobody'), /unable to find user nobody/);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
});
