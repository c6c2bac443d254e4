import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from '../../src/client/index.js';
import type { DeleteRequest, ExpandRequest, ExpandResult, Provisioner, ProvisionResult } from '../../src/provisioner/index.js';
import { FILE_SYSTEM_RESIZE_PENDING_MESSAGE, STORAGE_RESIZER_ANNOTATION } from '../../src/provisioner/index.js';
import { eventually } from '../client/fixtures.js';
import { claim, claims, classes, eventsFor, startProvisioner, storageClass, volumes } from './fixtures.js';

const name = 'example.com/grow';

class Growing implements Provisioner {
  readonly name = name;
  readonly expands: ExpandRequest[] = [];
  answer: (n: number) => ExpandResult = () => ({ status: 'Success', capacity: '2Gi', nodeExpansionRequired: true });
  async provision(): Promise<ProvisionResult> {
    return { status: 'Failure', message: 'not in this test' };
  }
  async delete(_req: DeleteRequest) {
    return { status: 'Success' as const };
  }
  async expand(req: ExpandRequest): Promise<ExpandResult> {
    this.expands.push(req);
    return this.answer(this.expands.length);
  }
}

/** A bound claim on a PV this provisioner made, grown to 2Gi and handed over as the expansion controller does. */
async function grownClaim(client: ApiClient, claimName: string): Promise<void> {
  await client.create(volumes, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${claimName}`, annotations: { 'pv.kubernetes.io/provisioned-by': name } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/v' }, storageClassName: 'grows', claimRef: { namespace: 'default', name: claimName } },
  });
  const c = await client.create(claims, claim(claimName, 'grows'));
  const withVolume = await client.update(claims, { ...c, spec: { ...(c.spec as object), volumeName: `pv-${claimName}` } });
  await client.updateStatus(claims, { ...withVolume, status: { phase: 'Bound', capacity: { storage: '1Gi' } } });
  await client.patch(claims, claimName, { metadata: { annotations: { [STORAGE_RESIZER_ANNOTATION]: name } }, spec: { resources: { requests: { storage: '2Gi' } } } }, { type: 'merge', namespace: 'default' });
}

type ClaimStatus = { capacity?: { storage?: string }; allocatedResources?: { storage?: string }; conditions?: { type: string; message?: string }[] };

test('VolumeResizer grows the PV through the provisioner and leaves the claim FileSystemResizePending for the node', async () => {
  const p = new Growing();
  const r = await startProvisioner(p);
  try {
    await r.api.client.create(classes, storageClass('grows', name, { allowVolumeExpansion: true }));
    await grownClaim(r.api.client, 'g');
    await eventually(async () => ((await r.api.client.get(volumes, 'pv-g')).spec as { capacity: { storage: string } }).capacity.storage === '2Gi', 5000, 'PV at 2Gi');
    await eventually(async () => {
      const st = (await r.api.client.get(claims, 'g', { namespace: 'default' })).status as ClaimStatus;
      return st.allocatedResources?.storage === '2Gi' && st.conditions?.[0]?.type === 'FileSystemResizePending' && st.conditions[0].message === FILE_SYSTEM_RESIZE_PENDING_MESSAGE;
    }, 5000, 'FileSystemResizePending');
    assert.equal(p.expands[0].capacityBytes, 2 * 1024 ** 3);
    assert.equal(((await r.api.client.get(claims, 'g', { namespace: 'default' })).status as ClaimStatus).capacity?.storage, '1Gi', 'the node step is still to come');
    await eventually(async () => (await eventsFor(r.api.client, 'g', 'VolumeResizeSuccessful')).length === 1, 5000, 'event');
  } finally {
    await r.stop();
  }
});

test('VolumeResizer finishes at once when the provisioner grew the filesystem too, and retries a failure', async () => {
  const p = new Growing();
  p.answer = (n) => (n === 1 ? { status: 'Failure', message: 'array degraded' } : { status: 'Success', capacity: '2Gi', nodeExpansionRequired: false });
  const r = await startProvisioner(p);
  try {
    await r.api.client.create(classes, storageClass('grows', name, { allowVolumeExpansion: true }));
    await grownClaim(r.api.client, 'h');
    await eventually(async () => (await eventsFor(r.api.client, 'h', 'VolumeResizeFailed')).some((e) => /array degraded/.test(String(e.message))), 5000, 'failure event');
    await eventually(async () => {
      const st = (await r.api.client.get(claims, 'h', { namespace: 'default' })).status as ClaimStatus;
      return st.capacity?.storage === '2Gi' && st.conditions === undefined;
    }, 5000, 'capacity 2Gi, no conditions');
    assert.equal(p.expands.length, 2);
  } finally {
    await r.stop();
  }
});

test('A claim of a class that does not allow expansion cannot grow, so VolumeResizer never expands it', async () => {
  const p = new Growing();
  const r = await startProvisioner(p);
  try {
    await r.api.client.create(classes, storageClass('grows', name));
    await assert.rejects(grownClaim(r.api.client, 'i'), (e: Error & { code?: number }) => e.code === 403 && /must support resize/.test(e.message));
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(p.expands.length, 0);
  } finally {
    await r.stop();
  }
});
