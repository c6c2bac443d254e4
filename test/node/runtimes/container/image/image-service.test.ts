import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImageService } from '../../../../../src/node/runtimes/container/image/image-service.js';
import { ImageError } from '../../../../../src/node/runtimes/container/image/image-errors.js';
import { parseDockerConfigJson } from '../../../../../src/node/runtimes/container/image/docker-config.js';
import {
  addLayer,
  bcryptHtpasswd,
  pushImage,
  registrySkipReason,
  startRegistry,
} from '../../../../support/registry.js';
import { useRegistryFixture } from './registry-fixture.js';

const skip = registrySkipReason();
const digests: Record<string, string> = {};
const fx = useRegistryFixture(
  'wharf-image-service-',
  {
    tag: 'base',
    files: { 'etc/removeme': 'gone soon\n', 'opq/a': 'a\n', 'opq/sub/b': 'b\n', 'etc/motd': 'hello\n' },
    cmd: ['sh', '-c', 'echo hi'],
    env: ['PATH=/bin', 'GREETING=hi'],
  },
  async (registry, layout) => {
    await addLayer(layout, 'base', 'wh', { whiteout: '/etc/removeme' });
    await addLayer(layout, 'wh', 'layers', { opaqueDir: '/opq', files: { c: 'c\n' } });
    digests.base = await pushImage(layout, 'base', registry.host, 'test/busybox');
    digests.layers = await pushImage(layout, 'layers', registry.host, 'test/busybox', { format: 'v2s2' });
  },
);

let n = 0;
function service(opts: Partial<ConstructorParameters<typeof ImageService>[0]> = {}): ImageService {
  return new ImageService({ root: path.join(fx.work, `images-${n++}`), ...opts });
}

test('ensureImage() pulls by tag and prepareRootfs() gives each container its own copy', { skip }, async () => {
  const images = service();
  const image = await images.ensureImage(`${fx.registry.host}/test/busybox:base`, { pullPolicy: 'IfNotPresent' });
  assert.equal(image.reference, `${fx.registry.host}/test/busybox:base`);
  assert.equal(image.digest, digests.base);
  assert.equal(image.imageID, `${fx.registry.host}/test/busybox@${digests.base}`);
  assert.deepEqual(image.config.Cmd, ['sh', '-c', 'echo hi']);
  assert.deepEqual(image.config.Env, ['PATH=/bin', 'GREETING=hi']);
  assert.equal(image.layers.length, 1);
  assert.match(image.layers[0]!, /^sha256:[0-9a-f]{64}$/);
  assert.ok(image.size > 500_000, 'busybox is in the layer');

  const a = path.join(fx.work, 'ctr-a');
  const b = path.join(fx.work, 'ctr-b');
  await images.prepareRootfs(image, a);
  assert.equal(statSync(path.join(a, 'bin/busybox')).mode & 0o111, 0o111);
  writeFileSync(path.join(a, 'etc/motd'), 'changed by container a\n');
  writeFileSync(path.join(a, 'bin/busybox'), 'clobbered');
  await images.prepareRootfs(image, b);
  assert.equal(readFileSync(path.join(b, 'etc/motd'), 'utf8'), 'hello\n', 'a container cannot change the image');
  assert.ok(statSync(path.join(b, 'bin/busybox')).size > 500_000);

  const listed = await images.listImages();
  assert.deepEqual(listed, [{ names: [image.imageID, image.reference], sizeBytes: image.size }]);
});

test('ensureImage() pulls by digest, and a layer deleted or made opaque above is absent from the rootfs', { skip }, async () => {
  const images = service();
  const image = await images.ensureImage(`${fx.registry.host}/test/busybox@${digests.layers}`, { pullPolicy: 'IfNotPresent' });
  assert.equal(image.digest, digests.layers);
  assert.equal(image.reference, `${fx.registry.host}/test/busybox@${digests.layers}`);
  assert.equal(image.layers.length, 3);
  const root = path.join(fx.work, 'ctr-layers');
  await images.prepareRootfs(image, root);
  assert.ok(existsSync(path.join(root, 'bin/busybox')));
  assert.ok(existsSync(path.join(root, 'etc/motd')));
  assert.ok(!existsSync(path.join(root, 'etc/removeme')), 'whited out in layer 2');
  assert.deepEqual(readdirSync(path.join(root, 'opq')), ['c'], 'opaque in layer 3');
  // The same digest by another name is found without pulling.
  const again = await images.ensureImage(`${fx.registry.host}/test/busybox@${digests.layers}`, { pullPolicy: 'Never' });
  assert.equal(again.digest, digests.layers);
});

test('ensureImage() follows the pull policy: Never, IfNotPresent, Always', { skip }, async () => {
  const images = service();
  const ref = `${fx.registry.host}/test/busybox:moving`;
  await assert.rejects(images.ensureImage(ref, { pullPolicy: 'Never' }), (e: unknown) => {
    assert.ok(e instanceof ImageError);
    assert.equal(e.reason, 'ErrImageNeverPull');
    assert.equal(e.message, `Container image "${ref}" is not present with pull policy of Never`);
    return true;
  });
  await pushImage(fx.layout, 'base', fx.registry.host, 'test/busybox', { destTag: 'moving' });
  let pulls = 0;
  const onPull = () => void pulls++;
  const first = await images.ensureImage(ref, { pullPolicy: 'IfNotPresent', onPull });
  assert.equal(first.digest, digests.base);
  await images.ensureImage(ref, { pullPolicy: 'IfNotPresent', onPull });
  assert.equal(pulls, 1, 'a present image is not pulled again');
  // The tag moves in the registry; only Always notices.
  await pushImage(fx.layout, 'layers', fx.registry.host, 'test/busybox', { destTag: 'moving', format: 'v2s2' });
  assert.equal((await images.ensureImage(ref, { pullPolicy: 'IfNotPresent' })).digest, digests.base);
  assert.equal((await images.ensureImage(ref, { pullPolicy: 'Never' })).digest, digests.base);
  assert.equal((await images.ensureImage(ref, { pullPolicy: 'Always' })).digest, digests.layers);
  assert.equal((await images.ensureImage(ref, { pullPolicy: 'Never' })).digest, digests.layers);
  assert.equal((await images.listImages()).length, 1, 'the image the tag left is gone');
});

test('ensureImage() reports ErrImagePull and InvalidImageName with kubelet\'s wording', { skip }, async () => {
  const images = service();
  const missing = `${fx.registry.host}/test/absent:v1`;
  await assert.rejects(images.ensureImage(missing, { pullPolicy: 'IfNotPresent' }), (e: unknown) => {
    assert.ok(e instanceof ImageError);
    assert.equal(e.reason, 'ErrImagePull');
    assert.equal(e.message, `failed to pull and unpack image "${missing}": failed to resolve reference "${missing}": ${missing}: not found`);
    return true;
  });
  await assert.rejects(images.ensureImage('Not/Valid', { pullPolicy: 'Always' }), (e: unknown) => {
    assert.ok(e instanceof ImageError);
    assert.equal(e.reason, 'InvalidImageName');
    assert.match(e.message, /^Failed to apply default image tag "Not\/Valid": couldn't parse image reference "Not\/Valid": invalid reference format/);
    return true;
  });
});

test('concurrent ensureImage() calls for one image share one pull', { skip }, async () => {
  const images = service();
  const ref = `${fx.registry.host}/test/busybox:base`;
  const ac = new AbortController();
  const abandoned = images.ensureImage(ref, { pullPolicy: 'Always', signal: ac.signal });
  const all = await Promise.all([1, 2, 3, 4].map(() => images.ensureImage(ref, { pullPolicy: 'Always' })));
  ac.abort(new Error('pod deleted'));
  await assert.rejects(images.ensureImage(ref, { pullPolicy: 'Always', signal: ac.signal }), /pod deleted/);
  // The first caller's pull was shared: it finished for the others whatever that caller does.
  assert.equal((await abandoned.catch((e: Error) => ({ digest: e.message }))).digest, digests.base);
  assert.ok(all.every((i) => i.digest === digests.base));
  const roots = await Promise.all([1, 2, 3].map(async (i) => {
    const dir = path.join(fx.work, `ctr-conc-${i}`);
    await images.prepareRootfs(all[0]!, dir);
    return dir;
  }));
  for (const r of roots) assert.ok(existsSync(path.join(r, 'bin/busybox')));
});

test('removeUnused() frees least recently used images nobody uses once disk use passes the high mark', { skip }, async () => {
  const root = path.join(fx.work, 'gc');
  const usage = { capacityBytes: 100 << 20, availableBytes: 50 << 20 };
  const images = new ImageService({ root, diskUsage: async () => usage, minimumGCAgeMs: 0 });
  const base = await images.ensureImage(`${fx.registry.host}/test/busybox:base`, { pullPolicy: 'Always' });
  const layers = await images.ensureImage(`${fx.registry.host}/test/busybox:layers`, { pullPolicy: 'Always' });
  // Present by digest under its tag: found, not pulled again.
  assert.equal((await images.ensureImage(`${fx.registry.host}/test/busybox@${digests.layers}`, { pullPolicy: 'IfNotPresent' })).reference, layers.reference);
  assert.equal((await images.listImages()).length, 2);

  assert.deepEqual(await images.removeUnused(new Set(), 85, 80), { removed: [], freedBytes: 0 }, 'below the high mark nothing goes');
  usage.availableBytes = 10 << 20;
  await assert.rejects(images.removeUnused(new Set(), 50, 80), RangeError);
  const patient = new ImageService({ root, diskUsage: async () => usage });
  assert.deepEqual((await patient.removeUnused(new Set(), 85, 80)).removed, [], 'images used within the minimum GC age stay');
  // 90% used, to go down to 80%: every image but `base`, in use by its imageID, goes.
  const result = await images.removeUnused(new Set([base.imageID]), 85, 80);
  assert.deepEqual(result.removed, [layers.reference]);
  assert.ok(result.freedBytes >= layers.size, `freed ${result.freedBytes} bytes`);
  assert.deepEqual((await images.listImages()).map((i) => i.names[0]), [base.imageID]);
  assert.equal(await images.findImage(layers.reference), undefined);
  const blobs = readdirSync(path.join(root, 'blobs', 'sha256'));
  assert.ok(!blobs.includes(digests.layers!.slice(7)), 'the removed image\'s blobs are gone');
  assert.equal(readdirSync(path.join(root, 'snapshots')).length, 1);
  await images.prepareRootfs(base, path.join(fx.work, 'ctr-after-gc'));
  // Nothing in use: the last image goes too.
  assert.deepEqual((await images.removeUnused(new Set(), 85, 0)).removed, [base.reference]);
  assert.deepEqual(readdirSync(path.join(root, 'blobs', 'sha256')), []);
});

test('removeUnused() takes the least recently used image first and stops once enough is free', { skip }, async () => {
  const root = path.join(fx.work, 'gc-lru');
  const usage = { capacityBytes: 100 << 20, availableBytes: 10 << 20 };
  const images = new ImageService({ root, diskUsage: async () => usage, minimumGCAgeMs: 0 });
  const base = await images.ensureImage(`${fx.registry.host}/test/busybox:base`, { pullPolicy: 'Always' });
  await new Promise((r) => setTimeout(r, 20));
  const layers = await images.ensureImage(`${fx.registry.host}/test/busybox:layers`, { pullPolicy: 'Always' });
  await new Promise((r) => setTimeout(r, 20));
  // `base` was pulled first but used last.
  await images.prepareRootfs(base, path.join(fx.work, 'ctr-lru'));
  // 90% used; down to 89.5% needs about half a megabyte: one image is enough.
  const result = await images.removeUnused(new Set(), 89.6, 89.5);
  assert.deepEqual(result.removed, [layers.reference]);
  assert.ok(await images.findImage(base.reference));
});

test('imagePullSecrets: a dockerconfigjson Secret opens a registry with basic auth', { skip }, async (t) => {
  if (!(await bcryptHtpasswd('u', 'p'))) return t.skip('neither htpasswd -B (apache2-utils) nor python3 crypt can make bcrypt hashes');
  const secured = await startRegistry({ basicAuth: { username: 'puller', password: 'pa55' } });
  try {
    await pushImage(fx.layout, 'base', secured.host, 'private/busybox', { credentials: { username: 'puller', password: 'pa55' } });
    const images = service();
    const ref = `${secured.host}/private/busybox:base`;
    await assert.rejects(images.ensureImage(ref, { pullPolicy: 'IfNotPresent' }), (e: unknown) => {
      assert.ok(e instanceof ImageError);
      assert.equal(e.reason, 'ErrImagePull');
      assert.match(e.message, /pull access denied, repository does not exist or may require authorization/);
      return true;
    });
    const secret = { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [`http://${secured.host}`]: { auth: Buffer.from('puller:pa55').toString('base64') } } })).toString('base64') };
    const image = await images.ensureImage(ref, { pullPolicy: 'IfNotPresent', auth: parseDockerConfigJson(secret) });
    assert.equal(image.digest, digests.base);
  } finally {
    await secured.stop();
  }
});
