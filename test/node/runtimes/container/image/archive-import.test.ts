import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImageService } from '../../../../../src/node/runtimes/container/image/image-service.js';
import { addLayer, buildBusyboxImage, exportArchive, onPath, type ImageLayout } from '../../../../support/registry.js';

const run = promisify(execFile);
const skip = !onPath('umoci') || !onPath('skopeo') || !existsSync('/usr/bin/busybox') ? 'umoci, skopeo or /usr/bin/busybox is not installed' : undefined;
let layout: ImageLayout | undefined;
let work = '';

before(async () => {
  if (skip) return;
  work = await mkdtemp(path.join(tmpdir(), 'wharf-import-'));
  layout = await buildBusyboxImage({ tag: 'base', files: { 'etc/removeme': 'x\n', 'etc/motd': 'imported\n' }, cmd: ['httpd', '-f'] });
  await addLayer(layout, 'base', 'v1', { whiteout: '/etc/removeme' });
});

after(async () => {
  await layout?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

let n = 0;
const service = () => new ImageService({ root: path.join(work, `images-${n++}`) });

async function checkUsable(images: ImageService, reference: string): Promise<void> {
  const image = await images.ensureImage(reference, { pullPolicy: 'Never' });
  assert.deepEqual(image.config.Cmd, ['httpd', '-f']);
  const root = path.join(work, `rootfs-${n++}`);
  await images.prepareRootfs(image, root);
  assert.equal(readFileSync(path.join(root, 'etc/motd'), 'utf8'), 'imported\n');
  assert.ok(existsSync(path.join(root, 'bin/busybox')));
  assert.ok(!existsSync(path.join(root, 'etc/removeme')));
}

test('importArchive() loads an OCI layout tarball named by a full reference', { skip }, async () => {
  const file = path.join(work, 'named.oci.tar');
  await exportArchive(layout!, 'v1', file, 'oci-archive', 'example.com/imported/busybox:v1');
  const images = service();
  const loaded = await images.importArchive(file);
  assert.deepEqual(loaded.map((i) => i.reference), ['example.com/imported/busybox:v1']);
  assert.equal(loaded[0]!.layers.length, 2);
  await checkUsable(images, 'example.com/imported/busybox:v1');
});

test('importArchive() loads a plain tar of an OCI layout whose tag needs --name', { skip }, async () => {
  const file = path.join(work, 'layout.tar');
  await run('tar', ['-C', layout!.dir, '-cf', file, '.']);
  const images = service();
  await assert.rejects(images.importArchive(file), /has no name in the archive: give one with --name/);
  const loaded = await images.importArchive(file, { name: 'busybox' });
  // The layout holds two tags (base and v1): each becomes busybox:<tag>.
  assert.deepEqual(loaded.map((i) => i.reference).sort(), ['docker.io/library/busybox:base', 'docker.io/library/busybox:v1']);
  await checkUsable(images, 'busybox:v1');
});

test('importArchive() loads a docker-archive (docker save format)', { skip }, async () => {
  const file = path.join(work, 'docker.tar');
  await exportArchive(layout!, 'v1', file, 'docker-archive', 'example.com/saved/busybox:v2');
  const images = service();
  const loaded = await images.importArchive(file);
  assert.deepEqual(loaded.map((i) => i.reference), ['example.com/saved/busybox:v2']);
  assert.match(loaded[0]!.imageID, /^example\.com\/saved\/busybox@sha256:[0-9a-f]{64}$/);
  await checkUsable(images, 'example.com/saved/busybox:v2');
  // Loading again changes nothing.
  const again = await images.importArchive(file);
  assert.equal(again[0]!.digest, loaded[0]!.digest);
  assert.equal((await images.listImages()).length, 1);
});

test('importArchive() refuses what is not an image archive, and blobs that do not match their digest', { skip }, async () => {
  const images = service();
  const junk = path.join(work, 'junk.tar');
  writeFileSync(junk, 'not a tar at all');
  await assert.rejects(images.importArchive(junk), /cannot read archive|neither an OCI image layout nor a docker-archive/);
  const other = path.join(work, 'other.tar');
  writeFileSync(path.join(work, 'hello.txt'), 'hello\n');
  await run('tar', ['-C', work, '-cf', other, 'hello.txt']);
  await assert.rejects(images.importArchive(other), /other\.tar is neither an OCI image layout nor a docker-archive tarball/);

  // A layout whose config blob was altered after its manifest was written.
  const copy = path.join(work, 'tampered');
  await run('cp', ['-a', layout!.dir, copy]);
  const index = JSON.parse(readFileSync(path.join(copy, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(path.join(copy, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { config: { digest: string } };
  const configFile = path.join(copy, 'blobs/sha256', manifest.config.digest.slice(7));
  writeFileSync(configFile, readFileSync(configFile, 'utf8').replace('httpd', 'HTTPD'));
  const file = path.join(work, 'tampered.tar');
  await run('tar', ['-C', copy, '-cf', file, '.']);
  await assert.rejects(images.importArchive(file, { name: 'tampered' }), /unexpected commit digest/);
  assert.deepEqual(await images.listImages(), []);
});
