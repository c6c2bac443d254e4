import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaseRenewer } from '../../src/node/lease-renewer.js';
import { eventually, leases, quiet, startApi } from '../client/fixtures.js';

test('LeaseRenewer creates, renews and recreates Leases, a bounded number at a time', async () => {
  const api = await startApi();
  const renewer = new LeaseRenewer({ client: api.client, leases, renewIntervalMs: 100, leaseDurationSeconds: 5, concurrency: 2, logger: quiet });
  try {
    for (let i = 0; i < 5; i++) renewer.add(`n${i}`);
    renewer.start();
    await eventually(() => [0, 1, 2, 3, 4].every((i) => renewer.lastRenewed(`n${i}`) !== undefined), 3000, 'all renewed');
    const list = await api.client.list(leases, { namespace: 'kube-node-lease' });
    assert.equal(list.items.length, 5);
    // Deleted behind its back: the next renewal creates it again.
    await api.client.delete(leases, 'n0', { namespace: 'kube-node-lease' });
    await eventually(async () => (await api.client.list(leases, { namespace: 'kube-node-lease' })).items.length === 5, 3000, 'recreated');
    const before = renewer.stats.renewals;
    await eventually(() => renewer.stats.renewals >= before + 10, 3000, 'renewing');
    renewer.remove('n1');
    assert.equal(renewer.lastRenewed('n1'), undefined);
  } finally {
    renewer.stop();
    await api.close();
  }
});
