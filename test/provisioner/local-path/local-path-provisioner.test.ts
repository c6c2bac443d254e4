import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { imageBackingSupport, LocalPathProvisioner, SELECTED_NODE_ANNOTATION, type ProvisionRequest } from '../../../src/provisioner/index.js';

const signal = new AbortController().signal;

function request(dataNode: string | undefined, parameters: Record<string, string> = {}, bytes = 1024 * 1024): ProvisionRequest {
  const claim: PersistentVolumeClaim = { metadata: { name: 'www', namespace: 'web', uid: 'u1' }, spec: { resources: { requests: { storage: `${bytes}` } } } };
  return { pvName: 'pvc-u1', claim, parameters, capacity: `${bytes}`, capacityBytes: bytes, selectedNodeName: dataNode };
}

function pvFor(source: Record<string, unknown>): PersistentVolume {
  return { metadata: { name: 'pvc-u1' }, spec: { ...source, claimRef: { namespace: 'web', name: 'www' } } };
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wharf-local-path-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('LocalPathProvisioner makes pvc-<uid>_<ns>_<name> on the node with the class mode, pinned to the node, and removes it', withDir(async (dataDir) => {
  const p = new LocalPathProvisioner({ dataDir, config: async () => undefined });
  const r = await p.provision(request('n1', { 'wharf.dev/mode': '0750' }), signal);
  assert.equal(r.status, 'Success');
  if (r.status !== 'Success') return;
  const dir = path.join(dataDir, 'volumes', 'n1', 'pvc-u1_web_www');
  assert.deepEqual(r.volume.source, { local: { path: dir } });
  assert.equal(statSync(dir).mode & 0o777, 0o750);
  assert.deepEqual(r.volume.nodeAffinity?.required?.nodeSelectorTerms[0].matchExpressions?.[0], { key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] });
  // Repeating the call is harmless, and data written in between survives it.
  writeFileSync(path.join(dir, 'f'), 'x');
  assert.equal((await p.provision(request('n1', { 'wharf.dev/mode': '0750' }), signal)).status, 'Success');
  assert.ok(existsSync(path.join(dir, 'f')));
  assert.deepEqual(await p.delete({ pv: pvFor(r.volume.source) }, signal), { status: 'Success' });
  assert.equal(existsSync(dir), false);
}));

test('LocalPathProvisioner answers hostPath when asked, refuses bad parameters, and needs a node', withDir(async (dataDir) => {
  const p = new LocalPathProvisioner({ dataDir, config: async () => undefined });
  const r = await p.provision(request('n2', { volumeType: 'hostPath' }), signal);
  assert.equal(r.status, 'Success');
  if (r.status === 'Success') assert.equal(r.volume.source.hostPath?.type, 'DirectoryOrCreate');
  assert.equal((await p.provision(request('n2', { 'wharf.dev/mode': 'rwx' }), signal)).status, 'Failure');
  assert.equal((await p.provision(request('n2', { 'wharf.dev/backing': 'tape' }), signal)).status, 'Failure');
  const noNode = await p.provision(request(undefined), signal);
  assert.equal(noNode.status, 'Failure');
  assert.match(noNode.status === 'Failure' ? noNode.message : '', /WaitForFirstConsumer/);
}));

test('LocalPathProvisioner answers NotSupported for a node the ConfigMap refuses', withDir(async (dataDir) => {
  const config = { 'config.json': JSON.stringify({ nodePathMap: [{ node: 'full', paths: [] }] }) };
  const p = new LocalPathProvisioner({ dataDir, config: async () => config });
  const r = await p.provision(request('full'), signal);
  assert.equal(r.status, 'NotSupported');
}));

test('LocalPathProvisioner answers NotSupported for a claim bigger than the node has free', withDir(async (dataDir) => {
  const p = new LocalPathProvisioner({ dataDir, config: async () => undefined });
  const r = await p.provision(request('n1', {}, 2 ** 62), signal);
  assert.equal(r.status, 'NotSupported');
  assert.match(r.status === 'NotSupported' ? r.message : '', /bytes free/);
  assert.equal(existsSync(path.join(dataDir, 'volumes', 'n1', 'pvc-u1_web_www')), false);
}));

test('LocalPathProvisioner removes what an interrupted attempt left, found from the selected node', withDir(async (dataDir) => {
  const p = new LocalPathProvisioner({ dataDir, config: async () => undefined });
  await p.provision(request('n3'), signal);
  const dir = path.join(dataDir, 'volumes', 'n3', 'pvc-u1_web_www');
  assert.ok(existsSync(dir));
  const orphan: PersistentVolume = { metadata: { name: 'pvc-u1', annotations: { [SELECTED_NODE_ANNOTATION]: 'n3' } }, spec: { claimRef: { namespace: 'web', name: 'www' } } };
  assert.equal((await p.delete({ pv: orphan }, signal)).status, 'Success');
  assert.equal(existsSync(dir), false);
  // Never anything it did not name for this PV.
  const other = await p.delete({ pv: pvFor({ local: { path: dataDir } }) }, signal);
  assert.equal(other.status, 'Failure');
  assert.ok(existsSync(dataDir));
}));

test('LocalPathProvisioner grows a directory volume by handing the filesystem step to the node', withDir(async (dataDir) => {
  const p = new LocalPathProvisioner({ dataDir, config: async () => undefined });
  const r = await p.provision(request('n4'), signal);
  assert.equal(r.status, 'Success');
  if (r.status !== 'Success') return;
  const grown = await p.expand({ pv: pvFor(r.volume.source), claim: request('n4').claim, parameters: {}, capacity: '2Mi', capacityBytes: 2 * 1024 * 1024 }, signal);
  assert.deepEqual(grown, { status: 'Success', capacity: '2Mi', nodeExpansionRequired: true });
}));

test('LocalPathProvisioner backs a volume with an ext4 image of the requested size and grows it', async (t) => {
  const support = await imageBackingSupport('ext4');
  if (support !== true) return t.skip(support);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wharf-local-path-'));
  const p = new LocalPathProvisioner({ dataDir, config: async () => undefined });
  const dir = path.join(dataDir, 'volumes', 'n5', 'pvc-u1_web_www');
  try {
    const params = { 'wharf.dev/backing': 'image', fsType: 'ext4' };
    const r = await p.provision(request('n5', params, 16 * 1024 * 1024), signal);
    if (r.status === 'Failure' && /mount/.test(r.message)) return t.skip(`loop mounts not allowed here: ${r.message}`);
    assert.equal(r.status, 'Success', JSON.stringify(r));
    assert.equal(statSync(`${dir}.img`).size, 16 * 1024 * 1024);
    const { statfsSync } = await import('node:fs');
    const before = statfsSync(dir);
    assert.ok(before.blocks * before.bsize < 16 * 1024 * 1024, 'a filesystem of about the requested size is mounted');
    writeFileSync(path.join(dir, 'keep'), 'data');
    const grown = await p.expand({ pv: pvFor({ local: { path: dir } }), claim: request('n5').claim, parameters: params, capacity: '32Mi', capacityBytes: 32 * 1024 * 1024 }, signal);
    assert.deepEqual(grown, { status: 'Success', capacity: '32Mi', nodeExpansionRequired: false });
    const after = statfsSync(dir);
    assert.ok(after.blocks * after.bsize > before.blocks * before.bsize * 1.5, 'the filesystem grew');
    assert.ok(existsSync(path.join(dir, 'keep')), 'data survives the resize');
    assert.equal((await p.delete({ pv: pvFor({ local: { path: dir } }) }, signal)).status, 'Success');
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(`${dir}.img`), false);
  } finally {
    await p.delete({ pv: pvFor({ local: { path: dir } }) }, signal).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
