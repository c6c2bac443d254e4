import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { imageBackingSupport, isMounted } from '../../../src/provisioner/local-path/image-backing.js';

test('imageBackingSupport() names what is missing, starting with an unsupported fsType', async () => {
  assert.match(String(await imageBackingSupport('xfs')), /fsType "xfs" is not supported/);
  const support = await imageBackingSupport('ext4');
  if (process.getuid?.() !== 0) assert.match(String(support), /need root/);
  else assert.ok(support === true || /need/.test(support), String(support));
});

test('isMounted() sees the root filesystem and not a fresh directory', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-mount-'));
  try {
    assert.equal(await isMounted('/'), true);
    assert.equal(await isMounted(dir), false);
    assert.equal(await isMounted(path.join(dir, 'absent')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
