import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../../src/api/index.js';
import { ControllerManager, type ApiClient } from '../../../../src/client/index.js';
import { EXTERNAL_EXPANDING_MESSAGE, STORAGE_RESIZER_ANNOTATION, volumeExpansionController } from '../../../../src/controllers/volume/expansion/index.js';
import { eventually, quiet, startApi } from '../../../client/fixtures.js';
import { claim, claims, classes, eventsFor, storageClass, volumes } from '../../../provisioner/fixtures.js';

/** A claim bound to a PV by hand, as the binder would leave it. */
async function boundPair(client: ApiClient, name: string, className: string, provisionedBy?: string): Promise<void> {
  await client.create(volumes, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${name}`, ...(provisionedBy ? { annotations: { 'pv.kubernetes.io/provisioned-by': provisionedBy } } : {}) },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/v/${name}` }, storageClassName: className, claimRef: { namespace: 'default', name } },
  });
  const c = await client.create(claims, claim(name, className));
  const updated = await client.update(claims, { ...c, spec: { ...(c.spec as object), volumeName: `pv-${name}` } });
  await client.updateStatus(claims, { ...updated, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } });
}

async function grow(client: ApiClient, name: string, size: string): Promise<void> {
  await client.patch(claims, name, { spec: { resources: { requests: { storage: size } } } }, { type: 'merge', namespace: 'default' });
}

async function run(fn: (client: ApiClient) => Promise<void>): Promise<void> {
  const api = await startApi();
  const manager = new ControllerManager({ client: api.client, logger: quiet });
  volumeExpansionController.setup(manager);
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  try {
    await fn(api.client);
  } finally {
    abort.abort();
    await running;
    await manager.flushEvents();
    await api.close();
  }
}

test('volume-expansion hands a grown claim to the provisioner that made its PV', () =>
  run(async (client) => {
    await client.create(classes, storageClass('grows', 'example.com/fake', { allowVolumeExpansion: true }));
    await boundPair(client, 'a', 'grows', 'example.com/fake');
    await grow(client, 'a', '2Gi');
    await eventually(async () => (await client.get(claims, 'a', { namespace: 'default' })).metadata.annotations?.[STORAGE_RESIZER_ANNOTATION] === 'example.com/fake', 5000, 'the resizer annotation');
    await eventually(async () => (await eventsFor(client, 'a', 'ExternalExpanding')).some((e) => e.message === EXTERNAL_EXPANDING_MESSAGE), 5000, 'the event');
  }));

test('a claim of a class without allowVolumeExpansion is refused by the API; volume-expansion says why a static PV is not resized', () =>
  run(async (client) => {
    await client.create(classes, storageClass('fixed', 'example.com/fake'));
    await client.create(classes, storageClass('grows', 'example.com/fake', { allowVolumeExpansion: true }));
    await boundPair(client, 'b', 'fixed', 'example.com/fake');
    await boundPair(client, 'c', 'grows');
    await assert.rejects(grow(client, 'b', '2Gi'), (e: Error & { code?: number }) => e.code === 403 && /must support resize/.test(e.message));
    await grow(client, 'c', '2Gi');
    await eventually(async () => (await eventsFor(client, 'c', 'VolumeResizeFailed')).some((e) => /only dynamically provisioned/.test(String(e.message))), 5000, 'static PV event');
    const b: KubeObject = await client.get(claims, 'b', { namespace: 'default' });
    assert.equal(b.metadata.annotations?.[STORAGE_RESIZER_ANNOTATION], undefined);
  }));

test('volume-expansion finishes FileSystemResizePending in place of the node', () =>
  run(async (client) => {
    await client.create(classes, storageClass('grows', 'example.com/fake', { allowVolumeExpansion: true }));
    await boundPair(client, 'd', 'grows', 'example.com/fake');
    await grow(client, 'd', '3Gi');
    // What the resizer leaves: the PV grown, the claim waiting for the node.
    await client.patch(volumes, 'pv-d', { spec: { capacity: { storage: '3Gi' } } }, { type: 'merge' });
    await client.patch(claims, 'd', { status: { allocatedResources: { storage: '3Gi' }, conditions: [{ type: 'FileSystemResizePending', status: 'True' }] } }, { type: 'merge', namespace: 'default', subresource: 'status' });
    await eventually(async () => {
      const d = await client.get(claims, 'd', { namespace: 'default' });
      const status = d.status as { capacity?: { storage?: string }; conditions?: unknown[] };
      return status.capacity?.storage === '3Gi' && !status.conditions;
    }, 5000, 'capacity 3Gi and no condition');
    await eventually(async () => (await eventsFor(client, 'd', 'FileSystemResizeSuccessful')).length === 1, 5000, 'the event');
  }));
