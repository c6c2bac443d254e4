import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointsController } from '../../../src/controllers/endpoints/index.js';
import { repackSubsets } from '../../../src/controllers/endpoints/endpoints-reconciler.js';
import { barePod, eventually, markNotReady, markReady, r, startCluster, webPod, webService } from '../fixtures.js';

type Subset = { addresses?: { ip: string; targetRef?: { name: string }; hostname?: string; nodeName?: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { name?: string; port: number; protocol: string }[] };

test('Endpoints follow ready pods: addresses, notReadyAddresses, named ports, targetRef, hostname', async () => {
  const c = await startCluster([endpointsController]);
  try {
    await c.client.create(r.services, webService());
    const p1 = await c.client.create(r.pods, webPod('p1', { hostname: 'one', subdomain: 'web' }));
    const p2 = await c.client.create(r.pods, webPod('p2'));
    await c.client.create(r.pods, webPod('no-ip'));
    await c.client.create(r.pods, barePod('other', { app: 'other' }));
    await markReady(c.client, p1, '10.0.0.1');
    await markNotReady(c.client, p2, '10.0.0.2');
    const ep = await eventually(async () => {
      const e = await c.client.get(r.endpoints, 'web', { namespace: 'default' });
      const s = e.subsets as Subset[] | undefined;
      return s?.[0]?.addresses?.length === 1 && s[0].notReadyAddresses?.length === 1 ? e : undefined;
    }, 5000, 'endpoints');
    assert.deepEqual(ep.metadata.labels, { tier: 'front' });
    const [subset] = ep.subsets as Subset[];
    assert.equal((ep.subsets as Subset[]).length, 1);
    assert.deepEqual(subset.addresses, [{ ip: '10.0.0.1', hostname: 'one', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1', uid: p1.metadata.uid } }]);
    assert.equal(subset.notReadyAddresses![0].ip, '10.0.0.2');
    assert.deepEqual(subset.ports, [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, protocol: 'TCP' },
    ]);

    // p2 becomes ready, p1 goes away.
    await markReady(c.client, p2, '10.0.0.2');
    await c.client.delete(r.pods, 'p1', { namespace: 'default' });
    await eventually(async () => {
      const s = (await c.client.get(r.endpoints, 'web', { namespace: 'default' })).subsets as Subset[] | undefined;
      return s?.length === 1 && s[0].addresses?.map((a) => a.ip).join() === '10.0.0.2' && !s[0].notReadyAddresses;
    }, 5000, 'p2 ready, p1 gone');

    // Deleting the Service deletes its Endpoints.
    await c.client.delete(r.services, 'web', { namespace: 'default' });
    await eventually(async () => c.client.get(r.endpoints, 'web', { namespace: 'default' }).then(() => false, () => true), 5000, 'endpoints deleted');
  } finally {
    await c.close();
  }
});

test('selector-less Services keep the Endpoints their owners write', async () => {
  const c = await startCluster([endpointsController]);
  try {
    await c.client.create(r.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { ports: [{ port: 5432 }] } });
    await c.client.create(r.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.9' }], ports: [{ port: 5432 }] }] });
    await new Promise((res) => setTimeout(res, 300));
    const ep = await c.client.get(r.endpoints, 'ext', { namespace: 'default' });
    assert.equal((ep.subsets as Subset[])[0].addresses![0].ip, '192.168.1.9');
  } finally {
    await c.close();
  }
});

test('repackSubsets() groups ports offered by the same addresses', () => {
  const a = { ip: '10.0.0.1' };
  const b = { ip: '10.0.0.2' };
  const subsets = repackSubsets([
    { address: b, ready: true, port: { name: 'http', port: 80, protocol: 'TCP' } },
    { address: a, ready: true, port: { name: 'http', port: 80, protocol: 'TCP' } },
    { address: a, ready: true, port: { name: 'admin', port: 81, protocol: 'TCP' } },
  ]);
  assert.equal(subsets.length, 2);
  assert.deepEqual(subsets.find((x) => x.addresses!.length === 1), { addresses: [a], ports: [{ name: 'admin', port: 81, protocol: 'TCP' }] });
  assert.deepEqual(subsets.find((x) => x.addresses!.length === 2), { addresses: [a, b], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
  // The order is stable whatever order the pods come in.
  assert.deepEqual(repackSubsets([...[
    { address: a, ready: true, port: { name: 'admin', port: 81, protocol: 'TCP' } },
    { address: a, ready: true, port: { name: 'http', port: 80, protocol: 'TCP' } },
    { address: b, ready: true, port: { name: 'http', port: 80, protocol: 'TCP' } },
  ]]), subsets);
});
