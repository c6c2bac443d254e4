import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import { addConcurrentSyncsOptions, chooseNodes, concurrentSyncsFlags, controllerWorkers, planContainerNodes, positiveCount, withControllerWorkers } from '../../src/cli/up.js';
import { controllers } from '../../src/controllers/index.js';
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

/** Parses `args` as `wharf up` would its --concurrent-*-syncs flags; returns the workers they ask for. */
function parseWorkers(args: string[]): Record<string, number> {
  const command = addConcurrentSyncsOptions(new Command('up').exitOverride().configureOutput({ writeErr: () => {} }));
  command.parse(args, { from: 'user' });
  return controllerWorkers(command.opts());
}

test('positiveCount() takes whole numbers from 1 and refuses 0, negatives, fractions and words', () => {
  assert.equal(positiveCount('1'), 1);
  assert.equal(positiveCount('64'), 64);
  for (const bad of ['0', '-1', 'abc', '2.5', '', ' ']) assert.throws(() => positiveCount(bad), /must be a positive whole number/, `"${bad}"`);
});

test('the --concurrent-*-syncs flags set the workers of their controllers and nothing else', () => {
  assert.deepEqual(parseWorkers([]), {});
  assert.deepEqual(parseWorkers(['--concurrent-deployment-syncs', '7']), { deployment: 7 });
  assert.deepEqual(
    parseWorkers([
      '--concurrent-replicaset-syncs=3',
      '--concurrent-statefulset-syncs', '2',
      '--concurrent-daemonset-syncs', '1',
      '--concurrent-job-syncs', '6',
      '--concurrent-endpoint-syncs', '8',
      '--concurrent-service-endpoint-syncs', '9',
      '--concurrent-gc-syncs', '30',
      '--concurrent-namespace-syncs', '11',
    ]),
    { replicaset: 3, statefulset: 2, daemonset: 1, job: 6, endpoints: 8, endpointslice: 9, 'garbage-collector': 30, namespace: 11 },
  );
});

test('--concurrent_rc_syncs keeps its upstream underscores and is also taken with dashes', () => {
  assert.deepEqual(parseWorkers(['--concurrent_rc_syncs', '3']), { 'replication-controller': 3 });
  assert.deepEqual(parseWorkers(['--concurrent-rc-syncs', '4']), { 'replication-controller': 4 });
  const help = addConcurrentSyncsOptions(new Command('up')).helpInformation();
  assert.match(help, /--concurrent_rc_syncs <n>/);
  assert.doesNotMatch(help, /--concurrent-rc-syncs/, 'the dashed spelling is accepted, not advertised');
});

test('the --concurrent-*-syncs flags refuse 0, negatives and words', () => {
  for (const bad of ['0', '-1', 'abc']) {
    assert.throws(
      () => parseWorkers(['--concurrent-deployment-syncs', bad]),
      (e: unknown) => e instanceof CommanderError && e.code === 'commander.invalidArgument' && /must be a positive whole number/.test(e.message),
      bad,
    );
  }
  assert.throws(() => parseWorkers(['--concurrent_rc_syncs', '0']), CommanderError);
  assert.throws(() => parseWorkers(['--concurrent-gc-syncs', '1.5']), CommanderError);
});

test('every --concurrent-*-syncs flag names a controller Wharf runs', () => {
  const names = new Set(controllers.map((c) => c.name));
  for (const f of concurrentSyncsFlags) assert.ok(names.has(f.controller), `${f.flag} -> ${f.controller}`);
  assert.equal(new Set(concurrentSyncsFlags.map((f) => f.controller)).size, concurrentSyncsFlags.length, 'one flag per controller');
});

test('withControllerWorkers() adds workers beside the settings a controller already has', () => {
  const settings = { 'local-path-provisioner': { dataDir: '/d' }, job: { backoffBaseMs: 10 } };
  assert.deepEqual(withControllerWorkers(settings, { job: 2, deployment: 7 }), {
    'local-path-provisioner': { dataDir: '/d' },
    job: { backoffBaseMs: 10, workers: 2 },
    deployment: { workers: 7 },
  });
  assert.deepEqual(settings.job, { backoffBaseMs: 10 }, 'the settings given are not changed');
  assert.deepEqual(withControllerWorkers(settings), settings);
});
