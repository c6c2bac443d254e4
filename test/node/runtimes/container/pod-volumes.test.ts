import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../../../src/api/index.js';
import { staticPodResources } from '../../../../src/node/runtimes/container/pod-resources.js';
import { PodVolumes, VolumeMountError } from '../../../../src/node/runtimes/container/pod-volumes.js';

const resolver = staticPodResources({
  configMaps: { 'ns/site': { data: { 'index.html': '<h1>hi</h1>', 'extra.txt': 'x' } } },
  secrets: { 'ns/tls': { data: { 'tls.key': Buffer.from('KEY').toString('base64') } } },
  claims: { 'ns/data-0': '/srv/volumes/pv-1' },
});
const ctx = { podIP: '10.244.0.9', hostIP: '192.0.2.1', nodeAllocatable: { cpu: '2', memory: '1Gi' } };

function pod(volumes: unknown[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '256Mi' } } }], volumes } };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-vol-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('PodVolumes.prepare() writes configMap, secret, downwardAPI and projected volumes as files', () =>
  withDir(async (dir) => {
    const v = new PodVolumes({ resolver, secretsOnTmpfs: false });
    const out = await v.prepare(
      pod([
        { name: 'site', configMap: { name: 'site', items: [{ key: 'index.html', path: 'html/index.html', mode: 0o600 }] } },
        { name: 'tls', secret: { secretName: 'tls', defaultMode: 0o400 } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } },
        { name: 'all', projected: { sources: [{ configMap: { name: 'site' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }, { secret: { name: 'absent', optional: true } }] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data-0', readOnly: true } },
        { name: 'scratch', emptyDir: {} },
      ]),
      dir,
      ctx,
    );
    const site = out.get('site')!;
    assert.equal(site.readOnly, true);
    assert.equal(await readFile(join(site.hostPath, 'html/index.html'), 'utf8'), '<h1>hi</h1>');
    assert.equal((await stat(join(site.hostPath, 'html/index.html'))).mode & 0o777, 0o600);
    assert.equal(existsSync(join(site.hostPath, 'extra.txt')), false);
    assert.ok(existsSync(join(site.hostPath, '..data')));
    assert.equal(await readFile(join(out.get('tls')!.hostPath, 'tls.key'), 'utf8'), 'KEY');
    assert.equal(await readFile(join(out.get('info')!.hostPath, 'labels'), 'utf8'), 'a="1"\nb="2"');
    assert.equal(await readFile(join(out.get('info')!.hostPath, 'mem'), 'utf8'), '256');
    assert.equal(await readFile(join(out.get('all')!.hostPath, 'extra.txt'), 'utf8'), 'x');
    assert.equal(await readFile(join(out.get('all')!.hostPath, 'ns'), 'utf8'), 'ns');
    assert.deepEqual(out.get('data'), { name: 'data', hostPath: '/srv/volumes/pv-1', readOnly: true });
    assert.ok(out.get('scratch')!.hostPath.endsWith('/volumes/kubernetes.io~empty-dir/scratch'));
    // Preparing again (an update or an agent restart) swaps the payload in place.
    await v.prepare(pod([{ name: 'site', configMap: { name: 'site' } }]), dir, ctx);
    assert.equal(await readFile(join(site.hostPath, 'extra.txt'), 'utf8'), 'x');
    assert.equal(existsSync(join(site.hostPath, 'html')), false);
  }));

test('PodVolumes.prepare() fails with FailedMount wording for a missing ConfigMap or a key not there', () =>
  withDir(async (dir) => {
    const v = new PodVolumes({ resolver, secretsOnTmpfs: false });
    await assert.rejects(v.prepare(pod([{ name: 'x', configMap: { name: 'gone' } }]), dir, ctx), (e: unknown) => e instanceof VolumeMountError && e.message === 'MountVolume.SetUp failed for volume "x" : configmap "gone" not found');
    await assert.rejects(v.prepare(pod([{ name: 'x', configMap: { name: 'site', items: [{ key: 'nope', path: 'p' }] } }]), dir, ctx), /configmap references non-existent config key: nope/);
    await assert.rejects(v.prepare(pod([{ name: 'x', nfs: { server: 's', path: '/' } }]), dir, ctx), /volume type nfs is not supported/);
  }));

test('PodVolumes.prepare() checks and creates hostPaths by type', () =>
  withDir(async (dir) => {
    const v = new PodVolumes({ resolver, secretsOnTmpfs: false });
    const file = join(dir, 'f');
    await writeFile(file, '');
    await v.prepare(pod([{ name: 'd', hostPath: { path: join(dir, 'new/dir'), type: 'DirectoryOrCreate' } }, { name: 'f', hostPath: { path: join(dir, 'new/file'), type: 'FileOrCreate' } }]), dir, ctx);
    assert.ok((await stat(join(dir, 'new/dir'))).isDirectory());
    assert.ok((await stat(join(dir, 'new/file'))).isFile());
    await assert.rejects(v.prepare(pod([{ name: 'h', hostPath: { path: file, type: 'Directory' } }]), dir, ctx), new RegExp(`hostPath type check failed: ${file} is not a directory`));
  }));
