import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { DriverProvisioner, volumeOfAnswer } from '../../../src/provisioner/index.js';
import { repoRoot } from '../../e2e/harness.js';

const exampleDriver = path.join(repoRoot, 'examples', 'provisioners', 'hostdir-driver.mjs');
const signal = new AbortController().signal;
const claim: PersistentVolumeClaim = { metadata: { name: 'c', namespace: 'default', uid: '0f0f-aa' } };

test('volumeOfAnswer() takes exactly one volume source, optional node affinity and capacity', () => {
  assert.deepEqual(volumeOfAnswer({ status: 'Success', volume: { nfs: { server: 's', path: '/p' }, capacity: '1Gi' } }), { source: { nfs: { server: 's', path: '/p' } }, capacity: '1Gi' });
  assert.match(String(volumeOfAnswer({ status: 'Success' })), /without a "volume"/);
  assert.match(String(volumeOfAnswer({ status: 'Success', volume: { nfs: {}, hostPath: {} } })), /exactly one volume source/);
  assert.match(String(volumeOfAnswer({ status: 'Success', volume: { hostPath: {}, size: 3 } })), /unknown fields: size/);
});

test('DriverProvisioner runs the example driver: provision, refuse a node, expand, delete', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wharf-hostdir-'));
  try {
    const p = new DriverProvisioner({ name: 'example.com/hostdir', driver: exampleDriver });
    const params = { root, refuseNode: 'bad' };
    const r = await p.provision({ pvName: 'pvc-0f0f-aa', claim, parameters: params, capacity: '1Gi', capacityBytes: 2 ** 30, selectedNodeName: 'n1' }, signal);
    assert.equal(r.status, 'Success', JSON.stringify(r));
    if (r.status !== 'Success') return;
    const dir = path.join(root, 'pvc-0f0f-aa');
    assert.deepEqual(r.volume.source, { hostPath: { path: dir, type: 'Directory' } });
    assert.equal(r.volume.capacity, '1Gi');
    assert.deepEqual(r.volume.nodeAffinity?.required?.nodeSelectorTerms[0].matchExpressions?.[0].values, ['n1']);
    assert.ok(existsSync(dir));
    const refused = await p.provision({ pvName: 'pvc-0f0f-bb', claim, parameters: params, capacity: '1Gi', capacityBytes: 2 ** 30, selectedNodeName: 'bad' }, signal);
    assert.equal(refused.status, 'NotSupported');
    const pv = { metadata: { name: 'pvc-0f0f-aa' }, spec: { hostPath: { path: dir } } };
    assert.deepEqual(await p.expand({ pv, claim, parameters: params, capacity: '2Gi', capacityBytes: 2 ** 31 }, signal), { status: 'Success', capacity: '2Gi', nodeExpansionRequired: false, message: undefined });
    const del = await p.delete({ pv, parameters: params }, signal);
    assert.equal(del.status, 'Success');
    assert.equal(existsSync(dir), false);
    const noRoot = await p.provision({ pvName: 'pvc-0f0f-cc', claim, parameters: {}, capacity: '1Gi', capacityBytes: 2 ** 30 }, signal);
    assert.equal(noRoot.status, 'Failure');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
