import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leases, nodes, pods, eventually, quiet, startApi } from '../client/fixtures.js';
import { startSimulatedNodes } from '../../src/node/index.js';
import { SharedInformerFactory } from '../../src/client/index.js';
import { bind, conditionOf, createBound, getPod, isGone, phaseOf, simPod } from './fixtures.js';

test('NodeAgent registers its Node with capacity, labels, conditions, addresses and node info', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 2, zones: 2, region: 'r1', labels: { team: 'a' }, taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }], logger: quiet });
  try {
    await fleet.ready();
    const node = await api.client.get(nodes, 'wharf-node-1');
    const labels = node.metadata.labels!;
    assert.equal(labels['kubernetes.io/hostname'], 'wharf-node-1');
    assert.equal(labels['kubernetes.io/os'], 'linux');
    assert.equal(labels['kubernetes.io/arch'], 'amd64');
    assert.equal(labels['topology.kubernetes.io/zone'], 'zone-1');
    assert.equal(labels['topology.kubernetes.io/region'], 'r1');
    assert.equal(labels.team, 'a');
    const spec = node.spec as { taints: unknown[]; podCIDR: string };
    assert.deepEqual(spec.taints, [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }]);
    assert.equal(spec.podCIDR, '10.128.1.0/24');
    const status = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: { type: string; status: string; reason: string; lastHeartbeatTime: string }[]; addresses: unknown[]; nodeInfo: Record<string, string> };
    assert.deepEqual(status.capacity, { cpu: '4', 'ephemeral-storage': '100Gi', memory: '32Gi', pods: '110' });
    assert.deepEqual(status.allocatable, status.capacity);
    assert.deepEqual(
      status.conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
        ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
        ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
        ['Ready', 'True', 'KubeletReady'],
      ],
    );
    assert.ok(status.conditions.every((c) => c.lastHeartbeatTime));
    assert.deepEqual(status.addresses, [
      { type: 'InternalIP', address: '172.16.0.2' },
      { type: 'Hostname', address: 'wharf-node-1' },
    ]);
    assert.equal(status.nodeInfo.kubeletVersion, 'v1.32.0-wharf');
    assert.equal(status.nodeInfo.operatingSystem, 'linux');
    assert.equal(status.nodeInfo.containerRuntimeVersion, 'wharf-simulated://0.1.0');
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent renews its Lease in kube-node-lease, owned by its Node', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, renewIntervalMs: 100, leaseDurationSeconds: 2, logger: quiet });
  try {
    await fleet.ready();
    const node = await api.client.get(nodes, 'wharf-node-0');
    const first = await api.client.get(leases, 'wharf-node-0', { namespace: 'kube-node-lease' });
    const spec = first.spec as { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
    assert.equal(spec.holderIdentity, 'wharf-node-0');
    assert.equal(spec.leaseDurationSeconds, 2);
    assert.match(spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual(first.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'wharf-node-0', uid: node.metadata.uid }]);
    await eventually(async () => {
      const l = await api.client.get(leases, 'wharf-node-0', { namespace: 'kube-node-lease' });
      return Date.parse((l.spec as { renewTime: string }).renewTime) > Date.parse(spec.renewTime);
    }, 3000, 'a renewal');
    // A stopped agent renews no more.
    fleet.stopNode('wharf-node-0');
    const before = await api.client.get(leases, 'wharf-node-0', { namespace: 'kube-node-lease' });
    await new Promise((r) => setTimeout(r, 400));
    const after = await api.client.get(leases, 'wharf-node-0', { namespace: 'kube-node-lease' });
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent runs a bound pod: ContainerCreating, then Running with a pod IP from its CIDR', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 2, startupDelayMs: 300, logger: quiet });
  try {
    await fleet.ready();
    await createBound(api.client, simPod('web'), 'wharf-node-1');
    await eventually(async () => {
      const p = await getPod(api.client, 'web');
      const cs = (p.status as { containerStatuses?: { state: { waiting?: { reason: string } } }[] }).containerStatuses;
      return phaseOf(p) === 'Pending' && cs?.[0]?.state.waiting?.reason === 'ContainerCreating';
    }, 3000, 'ContainerCreating');
    await eventually(async () => phaseOf(await getPod(api.client, 'web')) === 'Running', 3000, 'Running');
    const p = await getPod(api.client, 'web');
    const status = p.status as Record<string, unknown> & { containerStatuses: Record<string, unknown>[]; podIP: string };
    assert.match(status.podIP, /^10\.128\.1\.\d+$/);
    assert.deepEqual(status.podIPs, [{ ip: status.podIP }]);
    assert.equal(status.hostIP, '172.16.0.2');
    assert.equal(status.qosClass, 'BestEffort');
    assert.ok(status.startTime);
    for (const t of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) assert.equal(conditionOf(p, t)?.status, 'True', t);
    const c = status.containerStatuses[0] as { ready: boolean; started: boolean; image: string; imageID: string; containerID: string; restartCount: number; state: { running: { startedAt: string } } };
    assert.equal(c.ready, true);
    assert.equal(c.started, true);
    assert.equal(c.restartCount, 0);
    assert.equal(c.image, 'docker.io/library/nginx:1.27');
    assert.match(c.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(c.containerID, /^wharf-simulated:\/\/[0-9a-f]{64}$/);
    assert.ok(c.state.running.startedAt);
    // Status writes only on change: the pod stays as it is.
    const rv = p.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await getPod(api.client, 'web')).metadata.resourceVersion, rv);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent ends Jobs\' pods by the exit annotations and restart policy', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, restartBackoffMs: 100, logger: quiet });
  try {
    await fleet.ready();
    const exit = (code: number) => ({ 'wharf.dev/simulate-exit-after': '200ms', 'wharf.dev/simulate-exit-code': String(code) });
    await createBound(api.client, simPod('ok', { restartPolicy: 'Never', annotations: exit(0) }), 'wharf-node-0');
    await createBound(api.client, simPod('bad', { restartPolicy: 'Never', annotations: exit(3) }), 'wharf-node-0');
    await createBound(api.client, simPod('retry', { restartPolicy: 'OnFailure', annotations: exit(1) }), 'wharf-node-0');
    await eventually(async () => phaseOf(await getPod(api.client, 'ok')) === 'Succeeded', 4000, 'Succeeded');
    await eventually(async () => phaseOf(await getPod(api.client, 'bad')) === 'Failed', 4000, 'Failed');
    const ok = await getPod(api.client, 'ok');
    const okState = (ok.status as { containerStatuses: { state: { terminated: { exitCode: number; reason: string } } }[] }).containerStatuses[0].state.terminated;
    assert.deepEqual([okState.exitCode, okState.reason], [0, 'Completed']);
    assert.equal(conditionOf(ok, 'Ready')?.reason, 'PodCompleted');
    const bad = await getPod(api.client, 'bad');
    const badState = (bad.status as { containerStatuses: { state: { terminated: { exitCode: number; reason: string } } }[] }).containerStatuses[0].state.terminated;
    assert.deepEqual([badState.exitCode, badState.reason], [3, 'Error']);
    // OnFailure: restarted again and again, the pod stays Running with a growing restart count.
    await eventually(async () => {
      const p = await getPod(api.client, 'retry');
      const cs = (p.status as { containerStatuses?: { restartCount: number; lastState: { terminated?: { exitCode: number } } }[] }).containerStatuses?.[0];
      return phaseOf(p) === 'Running' && (cs?.restartCount ?? 0) >= 2 && cs?.lastState.terminated?.exitCode === 1;
    }, 6000, 'restarts');
    // A finished pod's IP is released.
    assert.ok(fleet.agents.get('wharf-node-0')!.ips.inUse <= 1);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent honours graceful deletion: stops the pod, then deletes it with grace 0', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, logger: quiet });
  try {
    await fleet.ready();
    // Stops in 600 ms, well inside its 30 s grace period.
    await createBound(api.client, simPod('slow', { annotations: { 'wharf.dev/simulate-stop-after': '600ms' } }), 'wharf-node-0');
    // Would take a minute to stop, but its grace period is 1 s.
    await createBound(api.client, simPod('stubborn', { terminationGracePeriodSeconds: 1, annotations: { 'wharf.dev/simulate-stop-after': '60s' } }), 'wharf-node-0');
    await eventually(async () => phaseOf(await getPod(api.client, 'slow')) === 'Running' && phaseOf(await getPod(api.client, 'stubborn')) === 'Running', 3000, 'Running');
    const t0 = Date.now();
    await api.client.delete(pods, 'slow', { namespace: 'default' });
    await api.client.delete(pods, 'stubborn', { namespace: 'default' });
    const terminating = await getPod(api.client, 'slow');
    assert.ok(terminating.metadata.deletionTimestamp);
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
    await eventually(() => isGone(api.client, 'slow'), 3000, 'slow pod removed');
    const slowMs = Date.now() - t0;
    assert.ok(slowMs >= 500, `removed after ${slowMs} ms`);
    await eventually(() => isGone(api.client, 'stubborn'), 3000, 'stubborn pod removed');
    const stubbornMs = Date.now() - t0;
    assert.ok(stubbornMs >= 900 && stubbornMs < 3000, `removed after ${stubbornMs} ms`);
    assert.equal(fleet.agents.get('wharf-node-0')!.podCount, 0);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent takes over running pods after a restart without rewriting them', async () => {
  const api = await startApi();
  let fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, logger: quiet });
  try {
    await fleet.ready();
    await createBound(api.client, simPod('kept'), 'wharf-node-0');
    await eventually(async () => phaseOf(await getPod(api.client, 'kept')) === 'Running', 3000, 'Running');
    const before = await getPod(api.client, 'kept');
    await fleet.stop();
    fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, logger: quiet });
    await fleet.ready();
    await new Promise((r) => setTimeout(r, 300));
    const after = await getPod(api.client, 'kept');
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    // And it still reacts: a pod bound now runs.
    await createBound(api.client, simPod('new'), 'wharf-node-0');
    await eventually(async () => phaseOf(await getPod(api.client, 'new')) === 'Running', 3000, 'Running');
    const ips = [after, await getPod(api.client, 'new')].map((p) => (p.status as { podIP: string }).podIP);
    assert.notEqual(ips[0], ips[1]);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent restores a pod\'s Ready condition someone else set to False', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, logger: quiet });
  try {
    await fleet.ready();
    await createBound(api.client, simPod('r'), 'wharf-node-0');
    await eventually(async () => conditionOf(await getPod(api.client, 'r'), 'Ready')?.status === 'True', 3000, 'Ready');
    const p = await getPod(api.client, 'r');
    const conditions = (p.status as { conditions: { type: string; status: string }[] }).conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    await api.client.patch(pods, 'r', { status: { conditions } }, { type: 'merge', namespace: 'default', subresource: 'status' });
    await eventually(async () => conditionOf(await getPod(api.client, 'r'), 'Ready')?.status === 'True', 3000, 'Ready again');
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent ignores pods bound to nodes it does not run', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, logger: quiet });
  try {
    await fleet.ready();
    await api.client.create(pods, simPod('elsewhere'));
    await bind(api.client, 'elsewhere', 'not-simulated');
    await new Promise((r) => setTimeout(r, 200));
    const p = await getPod(api.client, 'elsewhere');
    assert.equal(phaseOf(p), 'Pending');
    assert.equal((p.status as { containerStatuses?: unknown }).containerStatuses, undefined);
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('NodeAgent reports its Node status again after the report interval even when nothing changed', async () => {
  const api = await startApi();
  const fleet = startSimulatedNodes({ client: api.client, count: 1, statusReportIntervalMs: 300, logger: quiet });
  try {
    await fleet.ready();
    const heartbeat = async () => ((await api.client.get(nodes, 'wharf-node-0')).status as { conditions: { type: string; lastHeartbeatTime: string }[] }).conditions.find((c) => c.type === 'Ready')!.lastHeartbeatTime;
    const first = await heartbeat();
    await eventually(async () => (await heartbeat()) !== first, 4000, 'a new heartbeat');
  } finally {
    await fleet.stop();
    await api.close();
  }
});

test('startSimulatedNodes() can share a controller manager\'s informers', async () => {
  const api = await startApi();
  const factory = new SharedInformerFactory(api.client, { logger: quiet });
  const fleet = startSimulatedNodes({ client: api.client, count: 1, startupDelayMs: 0, informers: factory, logger: quiet });
  try {
    await fleet.ready();
    await createBound(api.client, simPod('shared'), 'wharf-node-0');
    await eventually(async () => phaseOf(await getPod(api.client, 'shared')) === 'Running', 3000, 'Running');
    assert.equal(fleet.host.podInformer, factory.informerFor(pods));
  } finally {
    await fleet.stop();
    await factory.stop();
    await api.close();
  }
});

test('NodeAgent publishes its node API port (0 without one) and serves only its own pods to it', async () => {
  const { NodeAgent, NodeHost, SimulatedRuntime } = await import('../../src/node/index.js');
  const api = await startApi();
  const host = new NodeHost({ client: api.client, logger: quiet });
  const added: string[] = [];
  const nodeServer = { port: 10311, addNode: (n: { name: string }) => void added.push(n.name), removeNode: (n: { name: string }) => void added.splice(added.indexOf(n.name), 1) };
  const config = { cpu: '1', memory: '1Gi', pods: 10, ephemeralStorage: '1Gi', arch: 'amd64', labels: {}, taints: [], internalIP: '127.0.0.1', osImage: 'test' };
  const served = new NodeAgent({ host, runtime: new SimulatedRuntime({ startupDelayMs: 0 }), nodeServer, config: { ...config, name: 'served', podCIDR: '10.200.1.0/24' } });
  const plain = new NodeAgent({ host, runtime: new SimulatedRuntime({ startupDelayMs: 0 }), config: { ...config, name: 'plain', podCIDR: '10.200.2.0/24' } });
  host.start();
  try {
    await served.register();
    await plain.register();
    assert.deepEqual(added, ['served']);
    const port = async (name: string) => ((await api.client.get(nodes, name)).status as { daemonEndpoints: { kubeletEndpoint: { Port: number } } }).daemonEndpoints.kubeletEndpoint.Port;
    assert.equal(await port('served'), 10311);
    assert.equal(await port('plain'), 0);
    await createBound(api.client, simPod('mine'), 'served');
    await eventually(() => served.servedPod('default', 'mine') !== undefined);
    assert.equal(plain.servedPod('default', 'mine'), undefined);
    assert.equal(served.servedPod('other', 'mine'), undefined);
    served.stop();
    assert.deepEqual(added, []);
  } finally {
    served.stop();
    plain.stop();
    await host.stop();
    await api.close();
  }
});
