import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { events, nodes, pods, eventually, quiet, registry, startApi } from '../../client/fixtures.js';
import { resourceFor } from '../../../src/client/index.js';
import { startSimulatedNodes } from '../../../src/node/index.js';
import { nodeLifecycle } from '../../../src/controllers/node-lifecycle/index.js';
import { kubectl } from '../../e2e/harness.js';
import { conditionOf, createBound, getPod, isGone, phaseOf, simPod } from '../../node/fixtures.js';
import { createSilentNode, runControllers, taintsOf, writeKubeconfig } from './fixtures.js';

const pdbs = resourceFor(registry, 'policy', 'v1', 'poddisruptionbudgets');

const hasTaint = (n: KubeObject, key: string, effect: string): boolean => taintsOf(n).some((t) => t.key === key && t.effect === effect);

test('node-lifecycle marks a stopped agent\'s node Unknown, taints it, marks and evicts its pods; a returning agent clears it', async () => {
  const api = await startApi();
  const healthy = startSimulatedNodes({ client: api.client, count: 1, namePrefix: 'a-', startupDelayMs: 0, renewIntervalMs: 100, logger: quiet });
  let failing = startSimulatedNodes({ client: api.client, count: 1, namePrefix: 'b-', startupDelayMs: 0, renewIntervalMs: 100, logger: quiet });
  const ctl = runControllers(api.client, [nodeLifecycle]);
  try {
    await Promise.all([healthy.ready(), failing.ready()]);
    // Admission gives every pod 300 s on a not-ready or unreachable node; this one asks for none.
    const noGrace = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }));
    await createBound(api.client, simPod('plain', { tolerations: noGrace }), 'b-0');
    await createBound(api.client, simPod('patient', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }] }), 'b-0');
    await createBound(api.client, simPod('forever', { tolerations: [{ operator: 'Exists' }] }), 'b-0');
    await eventually(async () => (await Promise.all(['plain', 'patient', 'forever'].map((n) => getPod(api.client, n)))).every((p) => phaseOf(p) === 'Running'), 3000, 'pods Running');

    await failing.stop();
    const stoppedAt = Date.now();
    await eventually(async () => conditionOf(await api.client.get(nodes, 'b-0'), 'Ready')?.status === 'Unknown', 4000, 'Ready=Unknown');
    const node = await api.client.get(nodes, 'b-0');
    const ready = conditionOf(node, 'Ready')!;
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(conditionOf(node, t)?.status, 'Unknown', t);
    await eventually(async () => {
      const n = await api.client.get(nodes, 'b-0');
      return hasTaint(n, 'node.kubernetes.io/unreachable', 'NoSchedule') && hasTaint(n, 'node.kubernetes.io/unreachable', 'NoExecute');
    }, 3000, 'unreachable taints');
    const noExecute = taintsOf(await api.client.get(nodes, 'b-0')).find((t) => t.effect === 'NoExecute')!;
    assert.ok(noExecute.timeAdded, 'NoExecute taints carry timeAdded');
    // The healthy node is untouched.
    assert.equal(taintsOf(await api.client.get(nodes, 'a-0')).length, 0);

    // Pods: marked not Ready; the intolerant one is evicted at once (it stays terminating: no agent confirms).
    await eventually(async () => conditionOf(await getPod(api.client, 'forever'), 'Ready')?.status === 'False', 3000, 'pod not Ready');
    await eventually(async () => Boolean((await getPod(api.client, 'plain')).metadata.deletionTimestamp), 3000, 'plain evicted');
    assert.equal(conditionOf(await getPod(api.client, 'plain'), 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    assert.equal((await getPod(api.client, 'patient')).metadata.deletionTimestamp, undefined);
    await eventually(async () => Boolean((await getPod(api.client, 'patient')).metadata.deletionTimestamp), 4000, 'patient evicted after its toleration');
    assert.ok(Date.now() - stoppedAt >= 2000);
    assert.equal((await getPod(api.client, 'forever')).metadata.deletionTimestamp, undefined);
    await ctl.manager.flushEvents();
    const reasons = (await api.client.list(events)).items.map((e) => e.reason as string);
    assert.ok(reasons.includes('NodeNotReady'));
    assert.ok(reasons.includes('TaintManagerEviction'));

    // The agent comes back: Ready, untainted, and it finishes the evicted pods' deletion.
    failing = startSimulatedNodes({ client: api.client, count: 1, namePrefix: 'b-', startupDelayMs: 0, renewIntervalMs: 100, logger: quiet });
    await failing.ready();
    await eventually(async () => {
      const n = await api.client.get(nodes, 'b-0');
      return conditionOf(n, 'Ready')?.status === 'True' && taintsOf(n).length === 0;
    }, 4000, 'Ready and untainted');
    await eventually(async () => (await api.client.list(pods, { namespace: 'default' })).items.map((p) => p.metadata.name).join() === 'forever', 4000, 'evicted pods gone');
    await eventually(async () => conditionOf(await getPod(api.client, 'forever'), 'Ready')?.status === 'True', 3000, 'pod Ready again');
  } finally {
    await ctl.stop();
    await healthy.stop();
    await failing.stop();
    await api.close();
  }
});

test('node-lifecycle taints a cordoned node unschedulable and untaints it when uncordoned', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, logger: quiet });
  const ctl = runControllers(api.client, [nodeLifecycle]);
  try {
    await fleet.ready();
    await api.client.patch(nodes, 'wharf-node-0', { spec: { unschedulable: true } }, { type: 'merge' });
    await eventually(async () => hasTaint(await api.client.get(nodes, 'wharf-node-0'), 'node.kubernetes.io/unschedulable', 'NoSchedule'), 3000, 'unschedulable taint');
    await api.client.patch(nodes, 'wharf-node-0', { spec: { unschedulable: null } }, { type: 'merge' });
    await eventually(async () => taintsOf(await api.client.get(nodes, 'wharf-node-0')).length === 0, 3000, 'taint removed');
  } finally {
    await ctl.stop();
    await fleet.stop();
    await api.close();
  }
});

test('node-lifecycle taints failed nodes of a zone one at a time at the eviction rate', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 6, zones: ['z1'], renewIntervalMs: 100, logger: quiet });
  // 0.5 nodes a second, a burst of one: the second failed node waits 2 s for its taint.
  const ctl = runControllers(api.client, [nodeLifecycle], { 'node-lifecycle': { nodeMonitorPeriodMs: 100, nodeMonitorGracePeriodMs: 800, taintPassPeriodMs: 50, evictionRate: 0.5 } });
  try {
    await fleet.ready();
    fleet.stopNode('wharf-node-0');
    fleet.stopNode('wharf-node-1');
    const tainted = async () => (await api.client.list(nodes)).items.filter((n) => hasTaint(n, 'node.kubernetes.io/unreachable', 'NoExecute'));
    await eventually(async () => (await tainted()).length === 1, 4000, 'one tainted');
    const firstAt = Date.now();
    await eventually(async () => (await tainted()).length === 2, 5000, 'both tainted');
    const gap = Date.now() - firstAt;
    assert.ok(gap >= 1500, `second taint after ${gap} ms`);
    assert.deepEqual((await tainted()).map((n) => n.metadata.name).sort(), ['wharf-node-0', 'wharf-node-1']);
  } finally {
    await ctl.stop();
    await fleet.stop();
    await api.close();
  }
});

test('node-lifecycle stops NoExecute tainting in a small, mostly failed zone and when every zone is down', async () => {
  const api = await startApi();
  // Zone z1: one healthy simulated node and three silent ones (75 % down, more than 2): partial disruption, rate 0.
  const fleet = startSimulatedNodes({ client: api.client, count: 1, zones: ['z1'], renewIntervalMs: 100, logger: quiet });
  // Created before the controller starts, so it sees them (and they lapse) in the same pass; the healthy
  // node has its Lease by then, so the controller never sees z1 with only silent nodes in it.
  for (const n of ['s1', 's2', 's3']) await createSilentNode(api.client, n, 'z1');
  let ctl: ReturnType<typeof runControllers> | undefined;
  try {
    await fleet.ready();
    ctl = runControllers(api.client, [nodeLifecycle], { 'node-lifecycle': { nodeMonitorPeriodMs: 100, nodeMonitorGracePeriodMs: 800, nodeStartupGracePeriodMs: 800, taintPassPeriodMs: 50, evictionRate: 10 } });
    await eventually(async () => (await api.client.list(nodes)).items.filter((n) => conditionOf(n, 'Ready')?.status === 'Unknown').length === 3, 4000, 'three Unknown');
    await eventually(async () => (await api.client.list(nodes)).items.filter((n) => hasTaint(n, 'node.kubernetes.io/unreachable', 'NoSchedule')).length === 3, 3000, 'NoSchedule taints');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await api.client.list(nodes)).items.filter((n) => hasTaint(n, 'node.kubernetes.io/unreachable', 'NoExecute')).length, 0, 'no NoExecute taint in a partially disrupted small zone');

    // Zone z2 has only silent nodes and the healthy node fails too: every zone fully disrupted, nothing is NoExecute-tainted.
    await createSilentNode(api.client, 's4', 'z2');
    fleet.stopNode('wharf-node-0');
    await eventually(async () => (await api.client.list(nodes)).items.every((n) => conditionOf(n, 'Ready')?.status === 'Unknown'), 4000, 'all Unknown');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await api.client.list(nodes)).items.filter((n) => taintsOf(n).some((t) => t.effect === 'NoExecute')).length, 0);
  } finally {
    await ctl?.stop();
    await fleet.stop();
    await api.close();
  }
});

test('kubectl cordon, drain (through evictions, held back by a PodDisruptionBudget) and uncordon work on simulated nodes', async () => {
  const api = await startApi();
  const cluster = writeKubeconfig(api.port);
  const fleet = startSimulatedNodes({ client: api.client, count: 2, startupDelayMs: 0, logger: quiet });
  // Nodes renew their Leases every 10 s: keep the grace period real, or a slow machine would see them go
  // Unknown mid-test and taint eviction (which ignores budgets) would remove the guarded pod.
  const ctl = runControllers(api.client, [nodeLifecycle], { 'node-lifecycle': { nodeMonitorGracePeriodMs: 40_000, nodeStartupGracePeriodMs: 60_000, taintPassPeriodMs: 50 } });
  try {
    await fleet.ready();
    await createBound(api.client, simPod('free', { annotations: { 'wharf.dev/simulate-stop-after': '300ms' } }), 'wharf-node-0');
    await createBound(api.client, simPod('guarded', { labels: { app: 'web' } }), 'wharf-node-0');
    await createBound(api.client, simPod('elsewhere'), 'wharf-node-1');
    await eventually(async () => (await api.client.list(pods, { namespace: 'default' })).items.every((p) => phaseOf(p) === 'Running'), 3000, 'Running');
    const pdb: KubeObject = await api.client.create<KubeObject>(pdbs, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
    const setAllowed = async (n: number) => {
      const current = await api.client.get(pdbs, 'web', { namespace: 'default' });
      await api.client.updateStatus(pdbs, { ...current, status: { observedGeneration: pdb.metadata.generation ?? 1, disruptionsAllowed: n, currentHealthy: 1, desiredHealthy: 1 - n, expectedPods: 1 } });
    };
    await setAllowed(0);

    const blocked = await kubectl(cluster, ['drain', 'wharf-node-0', '--force', '--timeout=8s']);
    assert.notEqual(blocked.code, 0, blocked.stdout);
    assert.match(blocked.stderr + blocked.stdout, /disruption budget/);
    assert.equal(((await api.client.get(nodes, 'wharf-node-0')).spec as { unschedulable?: boolean }).unschedulable, true);
    await eventually(async () => hasTaint(await api.client.get(nodes, 'wharf-node-0'), 'node.kubernetes.io/unschedulable', 'NoSchedule'), 3000, 'cordon taint');
    assert.equal(await isGone(api.client, 'free'), true, 'the unprotected pod was evicted and removed by its node');
    assert.equal(await isGone(api.client, 'guarded'), false);

    await setAllowed(1);
    const drained = await kubectl(cluster, ['drain', 'wharf-node-0', '--force', '--timeout=30s']);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, /evicted/);
    assert.equal(await isGone(api.client, 'guarded'), true);
    assert.equal(await isGone(api.client, 'elsewhere'), false);

    const uncordoned = await kubectl(cluster, ['uncordon', 'wharf-node-0']);
    assert.equal(uncordoned.code, 0, uncordoned.stderr);
    await eventually(async () => taintsOf(await api.client.get(nodes, 'wharf-node-0')).length === 0, 3000, 'untainted');
  } finally {
    await ctl.stop();
    await fleet.stop();
    await api.close();
    cluster.cleanup();
  }
});
