import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaseRenewer } from '../../src/node/lease-renewer.js';
import { LeaseRenewerThread } from '../../src/node/lease-renewer-thread.js';
import { startSimulatedNodes } from '../../src/node/simulated-nodes.js';
import { eventually, leases, nodes, quiet, startApi } from '../client/fixtures.js';

const ns = { namespace: 'kube-node-lease' };

async function renewTime(api: Awaited<ReturnType<typeof startApi>>, name: string): Promise<string> {
  return ((await api.client.get(leases, name, ns)).spec as { renewTime: string }).renewTime;
}

test('a simulated fleet with leaseThread renews its Leases from a thread, owned by their Nodes', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, leaseThread: { baseUrl: `http://127.0.0.1:${api.port}` }, count: 3, namePrefix: 'sim-', renewIntervalMs: 200, logger: quiet });
  try {
    assert.ok(fleet.host.leases instanceof LeaseRenewerThread);
    await fleet.ready();
    for (const name of fleet.names) {
      const node = await api.client.get(nodes, name);
      const lease = await api.client.get(leases, name, ns);
      assert.deepEqual(lease.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }]);
      assert.ok(fleet.host.leases.lastRenewed(name)! > 0);
    }
    const first = await renewTime(api, 'sim-0');
    await eventually(async () => (await renewTime(api, 'sim-0')) !== first, 5000, 'sim-0 renewed again');

    // A stopped node's heartbeats end; the others go on.
    fleet.stopNode('sim-1');
    assert.equal(fleet.host.leases.lastRenewed('sim-1'), undefined);
    await new Promise((r) => setTimeout(r, 300));
    const stopped = await renewTime(api, 'sim-1');
    const other = await renewTime(api, 'sim-2');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await renewTime(api, 'sim-1'), stopped);
    assert.notEqual(await renewTime(api, 'sim-2'), other);

    const thread = (fleet.host.leases as LeaseRenewerThread).thread!;
    const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
    await fleet.stop();
    await exited;
    assert.equal((fleet.host.leases as LeaseRenewerThread).thread, undefined);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('a simulated fleet renews on its own event loop by default', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, namePrefix: 'local-', logger: quiet });
  try {
    assert.ok(fleet.host.leases instanceof LeaseRenewer);
    await fleet.ready();
    assert.ok(await api.client.get(leases, 'local-0', ns));
  } finally {
    await fleet.stop();
    await api.close();
  }
});
