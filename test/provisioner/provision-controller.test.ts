import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeleteRequest, Provisioner, ProvisionRequest, ProvisionResult } from '../../src/provisioner/index.js';
import {
  CLAIM_FINALIZER,
  LAST_ERROR_ANNOTATION,
  NEXT_RETRY_ANNOTATION,
  PROVISIONED_BY_ANNOTATION,
  PV_FINALIZER,
  SELECTED_NODE_ANNOTATION,
  STORAGE_PROVISIONER_ANNOTATION,
} from '../../src/provisioner/index.js';
import { eventually } from '../client/fixtures.js';
import { asPv, claim, claims, classes, eventsFor, getOrUndefined, releaseProtection, startProvisioner, storageClass, volumes } from './fixtures.js';

const name = 'example.com/fake';
const mine = { [STORAGE_PROVISIONER_ANNOTATION]: name };

/** A provisioner whose answers a test scripts; it records calls and the backings it holds. */
class FakeProvisioner implements Provisioner {
  readonly name = name;
  readonly calls: ProvisionRequest[] = [];
  readonly deletes: DeleteRequest[] = [];
  readonly backings = new Set<string>();
  answer: (req: ProvisionRequest, n: number) => ProvisionResult = () => ({ status: 'Success', volume: { source: { hostPath: { path: '/x' } } } });
  async provision(req: ProvisionRequest): Promise<ProvisionResult> {
    this.calls.push(req);
    return this.answer(req, this.calls.length);
  }
  async delete(req: DeleteRequest) {
    this.deletes.push(req);
    this.backings.delete(req.pv.metadata?.name ?? '');
    return { status: 'Success' as const };
  }
}

test('ProvisionController makes PV pvc-<uid> for a claim naming it, pre-bound, with the class settings', async () => {
  const fake = new FakeProvisioner();
  fake.answer = () => ({
    status: 'Success',
    volume: { source: { local: { path: '/data/v' } }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } } },
  });
  const r = await startProvisioner(fake);
  try {
    await r.api.client.create(classes, storageClass('fast', name, { reclaimPolicy: 'Retain', mountOptions: ['noatime'], parameters: { tier: 'gold' } }));
    const made = await r.api.client.create(claims, claim('data', 'fast', mine, '2Gi'));
    const pvName = `pvc-${made.metadata.uid}`;
    await eventually(async () => Boolean(await getOrUndefined(r.api.client, volumes, pvName)), 5000, 'the PV');
    const pv = asPv((await r.api.client.get(volumes, pvName)));
    assert.equal(pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION], name);
    assert.ok(pv.metadata?.finalizers?.includes(PV_FINALIZER));
    assert.deepEqual(pv.spec?.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'data', uid: made.metadata.uid });
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Retain');
    assert.deepEqual(pv.spec?.mountOptions, ['noatime']);
    assert.equal(pv.spec?.capacity?.storage, '2Gi');
    assert.deepEqual(pv.spec?.accessModes, ['ReadWriteOnce']);
    assert.equal(pv.spec?.volumeMode, 'Filesystem');
    assert.equal(pv.spec?.storageClassName, 'fast');
    assert.deepEqual(pv.spec?.local, { path: '/data/v' });
    assert.equal(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms[0].matchExpressions?.[0].values?.[0], 'n1');
    assert.deepEqual(fake.calls[0].parameters, { tier: 'gold' });
    assert.equal(fake.calls[0].capacityBytes, 2 * 1024 ** 3);
    assert.equal(fake.calls[0].pvName, pvName);
    const after = await r.api.client.get(claims, 'data', { namespace: 'default' });
    assert.ok(after.metadata.finalizers?.includes(CLAIM_FINALIZER));
    await eventually(async () => (await eventsFor(r.api.client, 'data', 'ProvisioningSucceeded')).length === 1, 5000, 'the success event');
    // Claims for another provisioner, or none, are left alone.
    await r.api.client.create(claims, claim('other', 'fast', { [STORAGE_PROVISIONER_ANNOTATION]: 'example.com/else' }));
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(fake.calls.length, 1);
  } finally {
    await r.stop();
  }
});

test('ProvisionController waits for the selected node of a WaitForFirstConsumer claim, and gives back a node that cannot host it', async () => {
  const fake = new FakeProvisioner();
  fake.answer = (req) => (req.selectedNodeName === 'small' ? { status: 'NotSupported', message: 'no room' } : { status: 'Success', volume: { source: { hostPath: { path: '/y' } } } });
  const r = await startProvisioner(fake);
  try {
    await r.api.client.create(classes, storageClass('late', name, { volumeBindingMode: 'WaitForFirstConsumer' }));
    const made = await r.api.client.create(claims, claim('c', 'late', mine));
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(fake.calls.length, 0, 'no node selected yet');
    await r.api.client.patch(claims, 'c', { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: 'small' } } }, { type: 'merge', namespace: 'default' });
    await eventually(async () => {
      const c = await r.api.client.get(claims, 'c', { namespace: 'default' });
      return c.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === undefined && c.metadata.annotations?.[LAST_ERROR_ANNOTATION] === 'no room';
    }, 5000, 'the selected node removed');
    await r.api.client.patch(claims, 'c', { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: 'big' } } }, { type: 'merge', namespace: 'default' });
    await eventually(async () => Boolean(await getOrUndefined(r.api.client, volumes, `pvc-${made.metadata.uid}`)), 5000, 'the PV');
    await eventually(async () => {
      const c = await r.api.client.get(claims, 'c', { namespace: 'default' });
      return c.metadata.annotations?.[LAST_ERROR_ANNOTATION] === undefined;
    }, 5000, 'the error cleared');
    assert.equal(fake.calls.at(-1)?.selectedNodeName, 'big');
  } finally {
    await r.stop();
  }
});

test('ProvisionController retries a failing provisioner with growing delays, showing the error and next retry on the claim', async () => {
  const fake = new FakeProvisioner();
  const times: number[] = [];
  fake.answer = (_req, n) => {
    times.push(Date.now());
    return n < 5 ? { status: 'Failure', message: `disk array busy (${n})` } : { status: 'Success', volume: { source: { hostPath: { path: '/z' } } } };
  };
  const r = await startProvisioner(fake, 60);
  try {
    await r.api.client.create(classes, storageClass('flaky', name));
    await r.api.client.create(claims, claim('f', 'flaky', mine));
    await eventually(async () => {
      const c = await r.api.client.get(claims, 'f', { namespace: 'default' });
      return /disk array busy/.test(c.metadata.annotations?.[LAST_ERROR_ANNOTATION] ?? '') && Boolean(c.metadata.annotations?.[NEXT_RETRY_ANNOTATION]);
    }, 5000, 'the error on the claim');
    await eventually(() => fake.calls.length >= 5, 10_000, 'five attempts');
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    // 60, 120, 240, 480 ms: each wait at least about the backoff, and the last far longer than the first.
    assert.ok(gaps[3] >= 400, `gaps ${gaps.join(',')}`);
    assert.ok(gaps[3] > gaps[0] * 3, `gaps ${gaps.join(',')}`);
    await eventually(async () => (await eventsFor(r.api.client, 'f', 'ProvisioningFailed')).length > 0, 5000, 'failure events');
    await eventually(async () => {
      const c = await r.api.client.get(claims, 'f', { namespace: 'default' });
      return c.metadata.annotations?.[LAST_ERROR_ANNOTATION] === undefined;
    }, 5000, 'the error cleared after success');
  } finally {
    await r.stop();
  }
});

test('ProvisionController removes the backing of a claim deleted before its PV was made', async () => {
  const fake = new FakeProvisioner();
  // The backing is made, then the attempt fails before a PV exists (a crash between the two).
  fake.answer = (req) => {
    fake.backings.add(req.pvName);
    return { status: 'Failure', message: 'lost the connection' };
  };
  const r = await startProvisioner(fake);
  try {
    await r.api.client.create(classes, storageClass('s', name));
    const made = await r.api.client.create(claims, claim('gone', 's', mine));
    await eventually(() => fake.backings.size === 1, 5000, 'a backing');
    await eventually(async () => ((await r.api.client.get(claims, 'gone', { namespace: 'default' })).metadata.finalizers ?? []).includes(CLAIM_FINALIZER), 5000, 'finalizer');
    await r.api.client.delete(claims, 'gone', { namespace: 'default' });
    await releaseProtection(r.api.client, claims, 'gone', 'default');
    await eventually(async () => !(await getOrUndefined(r.api.client, claims, 'gone', 'default')), 5000, 'the claim gone');
    assert.equal(fake.backings.size, 0);
    assert.equal(fake.deletes[0].pv.metadata?.name, `pvc-${made.metadata.uid}`);
  } finally {
    await r.stop();
  }
});

test('ProvisionController deletes the backing and the PV of a Released volume with Delete, and keeps a Retain one', async () => {
  const fake = new FakeProvisioner();
  const r = await startProvisioner(fake);
  try {
    await r.api.client.create(classes, storageClass('del', name));
    await r.api.client.create(classes, storageClass('keep', name, { reclaimPolicy: 'Retain' }));
    const a = await r.api.client.create(claims, claim('a', 'del', mine));
    const b = await r.api.client.create(claims, claim('b', 'keep', mine));
    const pvA = `pvc-${a.metadata.uid}`;
    const pvB = `pvc-${b.metadata.uid}`;
    await eventually(async () => Boolean((await getOrUndefined(r.api.client, volumes, pvA)) && (await getOrUndefined(r.api.client, volumes, pvB))), 5000, 'both PVs');
    // What the binder does when a claim goes: the PV turns Released.
    for (const c of ['a', 'b']) {
      await r.api.client.delete(claims, c, { namespace: 'default' });
      await releaseProtection(r.api.client, claims, c, 'default');
    }
    await eventually(async () => !(await getOrUndefined(r.api.client, claims, 'a', 'default')) && !(await getOrUndefined(r.api.client, claims, 'b', 'default')), 5000, 'claims gone');
    for (const pv of [pvA, pvB]) {
      const current = await r.api.client.get(volumes, pv);
      await r.api.client.updateStatus(volumes, { ...current, status: { phase: 'Released' } });
    }
    await eventually(async () => Boolean((await getOrUndefined(r.api.client, volumes, pvA))?.metadata.deletionTimestamp), 5000, 'the Delete PV deleted');
    await releaseProtection(r.api.client, volumes, pvA);
    await eventually(async () => !(await getOrUndefined(r.api.client, volumes, pvA)), 5000, 'the Delete PV gone');
    assert.deepEqual(fake.deletes.map((d) => d.pv.metadata?.name), [pvA]);
    await new Promise((res) => setTimeout(res, 200));
    assert.ok(await getOrUndefined(r.api.client, volumes, pvB), 'the Retain PV stays');
    // Deleting a Retain PV by hand lets it go without touching the backing.
    await r.api.client.delete(volumes, pvB);
    await releaseProtection(r.api.client, volumes, pvB);
    await eventually(async () => !(await getOrUndefined(r.api.client, volumes, pvB)), 5000, 'the Retain PV deleted');
    assert.equal(fake.deletes.length, 1);
  } finally {
    await r.stop();
  }
});
