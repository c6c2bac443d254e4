import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { endpointSliceController } from '../../../src/controllers/endpointslice/index.js';
import { eventually, list, markNotReady, markReady, r, startCluster, webPod, webService } from '../fixtures.js';

type Ep = { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; targetRef: { name: string }; nodeName?: string };
type Slice = KubeObject & { addressType: string; endpoints: Ep[] | null; ports: { name: string; port: number; protocol: string }[] | null };

async function slices(c: { client: Parameters<typeof list>[0] }): Promise<Slice[]> {
  return list<Slice>(c.client, r.endpointSlices, 'default', 'kubernetes.io/service-name=web');
}

test('EndpointSlices list a Service\'s pods with conditions, ports, labels and owner', async () => {
  const c = await startCluster([endpointSliceController]);
  try {
    const svc = await c.client.create(r.services, webService());
    // No pods yet: one placeholder slice.
    const [placeholder] = await eventually(async () => {
      const s = await slices(c);
      return s.length === 1 ? s : undefined;
    }, 5000, 'placeholder');
    assert.deepEqual([placeholder.endpoints ?? [], placeholder.ports ?? []], [[], []]);
    const p1 = await c.client.create(r.pods, webPod('p1', { nodeName: 'n1' }));
    const p2 = await c.client.create(r.pods, webPod('p2'));
    await markReady(c.client, p1, '10.0.0.1');
    await markNotReady(c.client, p2, '10.0.0.2');
    const [slice] = await eventually(async () => {
      const s = await slices(c);
      return s.length === 1 && s[0].endpoints?.length === 2 ? s : undefined;
    }, 5000, 'slice with two endpoints');
    assert.notEqual(slice.metadata.name, placeholder.metadata.name, 'the portless placeholder gave way to a slice with ports');
    assert.equal((await slices(c)).length, 1);
    assert.equal(slice.addressType, 'IPv4');
    assert.equal(slice.metadata.labels?.['kubernetes.io/service-name'], 'web');
    assert.equal(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice.metadata.labels?.tier, 'front');
    assert.match(slice.metadata.name!, /^web-/);
    assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const byName = Object.fromEntries(slice.endpoints!.map((e) => [e.targetRef.name, e]));
    assert.deepEqual(byName.p1.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(byName.p1.nodeName, 'n1');
    assert.deepEqual(byName.p1.addresses, ['10.0.0.1']);
    assert.deepEqual(byName.p2.conditions, { ready: false, serving: false, terminating: false });
    assert.deepEqual(
      [...slice.ports!].sort((a, b) => a.port - b.port),
      [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
    );
    // p2 turns ready: the same slice is updated.
    await markReady(c.client, p2, '10.0.0.2');
    await eventually(async () => {
      const s = await slices(c);
      return s.length === 1 && s[0].metadata.name === slice.metadata.name && s[0].endpoints!.every((e) => e.conditions.ready);
    }, 5000, 'both ready');
  } finally {
    await c.close();
  }
});

test('EndpointSlices hold at most maxEndpointsPerSlice endpoints and shrink as pods go', async () => {
  const c = await startCluster([endpointSliceController], { endpointslice: { maxEndpointsPerSlice: 2 } });
  try {
    await c.client.create(r.services, webService());
    for (let i = 1; i <= 5; i++) {
      const p = await c.client.create(r.pods, webPod(`p${i}`));
      await markReady(c.client, p, `10.0.0.${i}`);
    }
    await eventually(async () => {
      const s = await slices(c);
      const counts = s.map((x) => x.endpoints?.length ?? 0).sort();
      return s.length === 3 && counts.join() === '1,2,2';
    }, 5000, 'three slices of 2, 2, 1');
    for (let i = 1; i <= 5; i++) await c.client.delete(r.pods, `p${i}`, { namespace: 'default' });
    await eventually(async () => {
      const s = await slices(c);
      return s.length === 1 && (s[0].endpoints ?? []).length === 0;
    }, 5000, 'back to one placeholder');
  } finally {
    await c.close();
  }
});
