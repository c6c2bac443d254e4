import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseNodes, planContainerNodes } from '../../src/cli/up.js';
import type { HostSupport } from '../../src/node/runtimes/container/index.js';

const able = async (): Promise<HostSupport> => ({ ok: true, runcVersion: '1.1.12' });
const unable = async (): Promise<HostSupport> => ({ ok: false, reason: 'containers need root (network namespaces, runc)' });

test('chooseNodes() runs one real node on a machine that can run containers, else one simulated node saying why', async () => {
  const real = await chooseNodes(undefined, undefined, able);
  assert.deepEqual([real.simulated, real.real], [0, 1]);
  assert.match(real.notices.join('\n'), /runc 1\.1\.12/);
  assert.match(real.notices.join('\n'), /wharf image import/);
  const simulated = await chooseNodes(undefined, undefined, unable);
  assert.deepEqual([simulated.simulated, simulated.real], [1, 0]);
  assert.match(simulated.notices.join('\n'), /cannot run containers \(containers need root/);
});

test('chooseNodes() keeps --nodes N alone to simulated nodes, and mixes both flags', async () => {
  let asked = 0;
  const counting = async (): Promise<HostSupport> => {
    asked++;
    return able();
  };
  assert.deepEqual(await chooseNodes(3, undefined, counting), { simulated: 3, real: 0, notices: [] });
  assert.deepEqual(await chooseNodes(0, undefined, counting), { simulated: 0, real: 0, notices: [] });
  assert.equal(asked, 0, 'the machine is not probed when only simulated nodes are asked for');
  const mixed = await chooseNodes(2, 1, counting);
  assert.deepEqual([mixed.simulated, mixed.real], [2, 1]);
  const realOnly = await chooseNodes(undefined, 2, counting);
  assert.deepEqual([realOnly.simulated, realOnly.real], [0, 2]);
});

test('chooseNodes() refuses real nodes a machine cannot run', async () => {
  await assert.rejects(chooseNodes(undefined, 2, unable), /--container-nodes 2: this machine cannot run containers: containers need root/);
});

test('planContainerNodes() gives each node its own name, data dir, bridge and pod CIDR, the same on every start', () => {
  const plans = planContainerNodes('/var/lib/wharf', 3);
  assert.equal(plans.length, 3);
  assert.equal(new Set(plans.map((p) => p.name)).size, 3);
  assert.equal(new Set(plans.map((p) => p.bridge)).size, 3);
  assert.equal(new Set(plans.map((p) => p.podCidr)).size, 3);
  for (const p of plans) {
    assert.match(p.name, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?-\d$/);
    assert.equal(p.dataDir, `/var/lib/wharf/nodes/${p.name}`);
    assert.equal(p.imagesDir, '/var/lib/wharf/images', 'one image store for the machine, where wharf image import puts images');
    assert.ok(p.bridge.length <= 15, `${p.bridge} fits an interface name`);
    assert.match(p.podCidr, /^10\.\d+\.\d+\.0\/24$/);
  }
  assert.deepEqual(planContainerNodes('/var/lib/wharf', 3), plans);
  const other = planContainerNodes('/srv/other-cluster', 1);
  assert.notEqual(other[0].bridge, plans[0].bridge);
  assert.ok(!other[0].name.endsWith('-0'), 'a single real node is named after the machine alone');
});
