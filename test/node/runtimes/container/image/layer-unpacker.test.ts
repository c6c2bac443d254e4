import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { applyLayer, cleanPath, resolveInRoot } from '../../../../../src/node/runtimes/container/image/layer-unpacker.js';

interface Entry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  content?: string;
  linkpath?: string;
  mode?: number;
}

/** A tar built header by header, so tests can write paths no well-behaved tool would. */
function tarOf(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'File';
    const body = Buffer.from(e.content ?? '');
    const size = type === 'File' ? body.length : 0;
    const header = new Header({
      path: e.path,
      type,
      mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size,
      uid: 0,
      gid: 0,
      mtime: new Date(1_700_000_000_000),
      linkpath: e.linkpath,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (size > 0) {
      const padded = Buffer.alloc(Math.ceil(size / 512) * 512);
      body.copy(padded);
      blocks.push(padded);
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

async function withDirs(fn: (dirs: { root: string; work: string }) => Promise<void>): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'wharf-layer-test-'));
  try {
    const root = path.join(work, 'rootfs');
    await import('node:fs/promises').then((fs) => fs.mkdir(root));
    await fn({ root, work });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function layerFile(work: string, name: string, tar: Buffer, gzip = false): Promise<{ file: string; diffId: string }> {
  const file = path.join(work, name);
  await writeFile(file, gzip ? gzipSync(tar) : tar);
  return { file, diffId: `sha256:${createHash('sha256').update(tar).digest('hex')}` };
}

test('applyLayer() unpacks gzip and plain layers, keeping symlinks (absolute ones too), hard links and modes', async () => {
  await withDirs(async ({ root, work }) => {
    const l1 = await layerFile(work, 'l1', tarOf([
      { path: 'bin/', type: 'Directory' },
      { path: 'bin/busybox', content: 'binary', mode: 0o755 },
      { path: 'bin/sh', type: 'SymbolicLink', linkpath: 'busybox' },
      { path: 'bin/ls', type: 'SymbolicLink', linkpath: '/bin/busybox' },
      { path: 'bin/cat', type: 'Link', linkpath: 'bin/busybox' },
      { path: 'tmp/', type: 'Directory', mode: 0o1777 },
      { path: 'bin/su', content: 'suid', mode: 0o4755 },
      { path: 'bin/sh2', type: 'Link', linkpath: 'bin/sh' },
    ]), true);
    await applyLayer(l1.file, root, l1.diffId);
    const l2 = await layerFile(work, 'l2', tarOf([{ path: '/etc/hostname', content: 'box\n' }]));
    await applyLayer(l2.file, root, l2.diffId);
    assert.equal(readFileSync(path.join(root, 'bin/busybox'), 'utf8'), 'binary');
    assert.equal(statSync(path.join(root, 'bin/busybox')).mode & 0o7777, 0o755);
    assert.equal(readlinkSync(path.join(root, 'bin/sh')), 'busybox');
    assert.equal(readlinkSync(path.join(root, 'bin/ls')), '/bin/busybox');
    assert.equal(statSync(path.join(root, 'bin/cat')).ino, statSync(path.join(root, 'bin/busybox')).ino);
    assert.equal(statSync(path.join(root, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(statSync(path.join(root, 'bin/su')).mode & 0o7777, 0o4755);
    assert.equal(readlinkSync(path.join(root, 'bin/sh2')), 'busybox', 'a hard link to a symlink is that symlink');
    assert.equal(statSync(path.join(root, 'bin/busybox')).mtimeMs, 1_700_000_000_000);
    assert.equal(readFileSync(path.join(root, 'etc/hostname'), 'utf8'), 'box\n');
  });
});

test('applyLayer() honours whiteouts and opaque directories from the layers below', async () => {
  await withDirs(async ({ root, work }) => {
    const l1 = await layerFile(work, 'l1', tarOf([
      { path: 'etc/keep', content: 'k' },
      { path: 'etc/removeme', content: 'r' },
      { path: 'var/lib/old/', type: 'Directory' },
      { path: 'var/lib/old/file', content: 'x' },
      { path: 'opq/a', content: 'a' },
      { path: 'opq/sub/b', content: 'b' },
    ]));
    await applyLayer(l1.file, root);
    const l2 = await layerFile(work, 'l2', tarOf([
      { path: 'etc/.wh.removeme' },
      { path: 'var/lib/.wh.old' },
      { path: 'opq/', type: 'Directory' },
      { path: 'opq/c', content: 'c' },
      { path: 'opq/.wh..wh..opq' },
    ]), true);
    await applyLayer(l2.file, root, l2.diffId);
    assert.ok(existsSync(path.join(root, 'etc/keep')));
    assert.ok(!existsSync(path.join(root, 'etc/removeme')));
    assert.ok(!existsSync(path.join(root, 'etc/.wh.removeme')), 'whiteout markers are not files of the image');
    assert.ok(!existsSync(path.join(root, 'var/lib/old')));
    assert.ok(existsSync(path.join(root, 'var/lib')));
    assert.deepEqual((await import('node:fs')).readdirSync(path.join(root, 'opq')).sort(), ['c'], 'opaque dir keeps only its own layer');
  });
});

test('applyLayer() replaces what a lower layer left with whatever type this layer gives the path', async () => {
  await withDirs(async ({ root, work }) => {
    const l1 = await layerFile(work, 'l1', tarOf([
      { path: 'a/', type: 'Directory' },
      { path: 'a/x', content: 'x' },
      { path: 'f', content: 'f' },
      { path: 'l', type: 'SymbolicLink', linkpath: 'a' },
    ]));
    await applyLayer(l1.file, root);
    const l2 = await layerFile(work, 'l2', tarOf([
      { path: 'a', content: 'now a file' },
      { path: 'f/', type: 'Directory' },
      { path: 'f/y', content: 'y' },
      { path: 'l/', type: 'Directory' },
      { path: 'l/z', content: 'z' },
    ]));
    await applyLayer(l2.file, root);
    assert.equal(readFileSync(path.join(root, 'a'), 'utf8'), 'now a file');
    assert.equal(readFileSync(path.join(root, 'f/y'), 'utf8'), 'y');
    assert.ok(lstatSync(path.join(root, 'l')).isDirectory(), 'the directory replaced the symlink');
    assert.equal(readFileSync(path.join(root, 'l/z'), 'utf8'), 'z');
  });
});

test('applyLayer() refuses ".." paths and hard links out of the root', async () => {
  await withDirs(async ({ root, work }) => {
    const up = await layerFile(work, 'up', tarOf([{ path: '../escaped', content: 'x' }]));
    await assert.rejects(applyLayer(up.file, root), /escapes the image root/);
    assert.ok(!existsSync(path.join(work, 'escaped')));
    const hard = await layerFile(work, 'hard', tarOf([{ path: 'pw', type: 'Link', linkpath: '../../../etc/passwd' }]));
    await assert.rejects(applyLayer(hard.file, root), /escapes the image root/);
    assert.ok(!existsSync(path.join(root, 'pw')));
  });
});

test('applyLayer() writes through an image symlink inside the root, never to the host', async () => {
  await withDirs(async ({ root, work }) => {
    const outside = path.join(work, 'outside');
    await import('node:fs/promises').then((fs) => fs.mkdir(outside));
    const l1 = await layerFile(work, 'l1', tarOf([
      { path: 'evil', type: 'SymbolicLink', linkpath: outside },
      { path: 'rel', type: 'SymbolicLink', linkpath: '../../../../..' + outside },
      { path: 'passwd', type: 'SymbolicLink', linkpath: path.join(outside, 'target') },
    ]));
    await applyLayer(l1.file, root);
    const l2 = await layerFile(work, 'l2', tarOf([
      { path: 'evil/pwned', content: 'no' },
      { path: 'rel/pwned2', content: 'no' },
      { path: 'passwd', content: 'replaced' },
    ]));
    await writeFile(path.join(outside, 'target'), 'host file');
    await applyLayer(l2.file, root);
    assert.ok(!existsSync(path.join(outside, 'pwned')), 'nothing written through an absolute link');
    assert.ok(!existsSync(path.join(outside, 'pwned2')), 'nothing written through a relative link');
    assert.equal(readFileSync(path.join(outside, 'target'), 'utf8'), 'host file');
    // The links resolve inside the image root, as they will inside the container.
    assert.equal(readFileSync(path.join(root, outside, 'pwned'), 'utf8'), 'no');
    assert.equal(readFileSync(path.join(root, outside, 'pwned2'), 'utf8'), 'no');
    assert.ok(lstatSync(path.join(root, 'passwd')).isFile());
  });
});

test('applyLayer() checks the diff id before changing anything', async () => {
  await withDirs(async ({ root, work }) => {
    const l = await layerFile(work, 'l', tarOf([{ path: 'f', content: 'x' }]), true);
    await assert.rejects(applyLayer(l.file, root, `sha256:${'0'.repeat(64)}`), /mismatched diff id/);
    assert.ok(!existsSync(path.join(root, 'f')));
  });
});

test('cleanPath() and resolveInRoot() keep paths inside the root', async () => {
  assert.equal(cleanPath('/a/./b/'), 'a/b');
  assert.throws(() => cleanPath('a/../../b'), /escapes/);
  await withDirs(async ({ root }) => {
    const fs = await import('node:fs/promises');
    await fs.mkdir(path.join(root, 'usr/lib'), { recursive: true });
    await fs.symlink('usr/lib', path.join(root, 'lib'));
    await fs.symlink('/usr', path.join(root, 'abs'));
    await fs.symlink('../../../../..', path.join(root, 'usr/up'));
    assert.equal(resolveInRoot(root, 'lib/x'), 'usr/lib/x');
    assert.equal(resolveInRoot(root, 'abs/lib/x'), 'usr/lib/x');
    assert.equal(resolveInRoot(root, 'usr/up/etc'), 'etc');
    assert.equal(resolveInRoot(root, 'lib', false), 'lib');
  });
});
