import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startScheduler, type SchedulerHandle } from '../../../src/scheduler/api/index.js';
import { ApiClient, SharedInformerFactory } from '../../../src/client/index.js';
import {
  createNodes,
  eventually,
  getPod,
  nodeObject,
  nodesResource,
  podEvents,
  podObject,
  podsResource,
  priorityClasses,
  quiet,
  startApi,
  type TestApi,
} from './helpers.js';

async function withScheduler(fn: (api: TestApi, handle: SchedulerHandle) => Promise<void>, config?: string): Promise<void> {
  const api = await startApi('scheduler');
  const handle = await startScheduler({ client: api.client, logger: quiet, config });
  try {
    await fn(api, handle);
  } finally {
    await handle.stop();
    await api.close();
  }
}

test('startScheduler() binds pending pods through pods/binding and records Scheduled events', async () => {
  await withScheduler(async ({ client }, handle) => {
    await createNodes(client, [nodeObject('n1', 'a'), nodeObject('n2', 'b')]);
    for (let i = 0; i < 6; i++) await client.create(podsResource, podObject(`p${i}`));
    await eventually(async () => (await Promise.all([0, 1, 2, 3, 4, 5].map((i) => getPod(client, `p${i}`)))).every((p) => p.spec.nodeName), 5000, 'all pods bound');
    const p0 = await getPod(client, 'p0');
    assert.ok(['n1', 'n2'].includes(p0.spec.nodeName!));
    assert.deepEqual(
      p0.status?.conditions?.filter((c) => c.type === 'PodScheduled').map((c) => c.status),
      ['True'],
    );
    await handle.flush();
    await eventually(async () => (await podEvents(client, 'p0', 'Scheduled')).length === 1, 3000, 'Scheduled event');
    const [ev] = await podEvents(client, 'p0', 'Scheduled');
    assert.equal(ev!.message, `Successfully assigned default/p0 to ${p0.spec.nodeName}`);
    assert.equal(ev!.type, 'Normal');
    assert.equal((ev!.source as { component: string }).component, 'default-scheduler');
    assert.equal(ev!.reportingComponent, 'default-scheduler');
    assert.equal(handle.isLeader(), true);
  });
});

test('an unschedulable pod gets PodScheduled=False and a FailedScheduling event, and is bound once a node fits', async () => {
  await withScheduler(async ({ client }, handle) => {
    await createNodes(client, [nodeObject('small-1', 'a', '1'), nodeObject('small-2', 'b', '1')]);
    await client.create(podsResource, podObject('big', { cpu: '3' }));
    // More than any node's allocatable: no eviction could ever make room, so preemption is not tried.
    const expected = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.';
    await eventually(
      async () => {
        const c = (await getPod(client, 'big')).status?.conditions?.find((x) => x.type === 'PodScheduled');
        return c?.status === 'False';
      },
      5000,
      'PodScheduled=False',
    );
    const cond = (await getPod(client, 'big')).status!.conditions!.find((x) => x.type === 'PodScheduled')!;
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, expected);
    await handle.flush();
    await eventually(async () => (await podEvents(client, 'big', 'FailedScheduling')).length > 0, 3000, 'FailedScheduling event');
    const [ev] = await podEvents(client, 'big', 'FailedScheduling');
    assert.equal(ev!.type, 'Warning');
    assert.equal(ev!.message, expected);
    await createNodes(client, [nodeObject('large', 'c', '8')]);
    await eventually(async () => (await getPod(client, 'big')).spec.nodeName === 'large', 5000, 'bound to the new node');
  });
});

test('required pod anti-affinity on zones spreads a deployment one pod per zone and leaves the extra pod pending', async () => {
  await withScheduler(async ({ client }) => {
    await createNodes(client, [nodeObject('a1', 'a'), nodeObject('a2', 'a'), nodeObject('b1', 'b'), nodeObject('b2', 'b'), nodeObject('c1', 'c')]);
    const affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'topology.kubernetes.io/zone' }],
      },
    };
    for (let i = 0; i < 4; i++) await client.create(podsResource, podObject(`web-${i}`, { labels: { app: 'web' }, spec: { affinity } }));
    await eventually(
      async () => {
        const pods = await Promise.all([0, 1, 2, 3].map((i) => getPod(client, `web-${i}`)));
        return pods.filter((p) => p.spec.nodeName).length === 3 && pods.some((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
      },
      5000,
      'three placed, one unschedulable',
    );
    const pods = await Promise.all([0, 1, 2, 3].map((i) => getPod(client, `web-${i}`)));
    const zones = pods.filter((p) => p.spec.nodeName).map((p) => p.spec.nodeName![0]);
    assert.deepEqual([...zones].sort(), ['a', 'b', 'c']);
    const pending = pods.find((p) => !p.spec.nodeName)!;
    const cond = pending.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    assert.match(cond.message!, /^0\/5 nodes are available: 5 node\(s\) didn't match pod anti-affinity rules\./);
  });
});

test('a pod of a higher priority class preempts lower-priority pods, is nominated, and is bound', async () => {
  await withScheduler(async ({ client }, handle) => {
    await client.create(priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    await createNodes(client, [nodeObject('only', 'a', '1')]);
    await client.create(podsResource, podObject('low-1', { cpu: '500m' }));
    await client.create(podsResource, podObject('low-2', { cpu: '500m' }));
    await eventually(async () => (await getPod(client, 'low-1')).spec.nodeName === 'only' && (await getPod(client, 'low-2')).spec.nodeName === 'only', 5000, 'low pods bound');
    const created = await client.create(podsResource, podObject('vip', { cpu: '400m', spec: { priorityClassName: 'high' } }));
    assert.equal((created.spec as { priority: number }).priority, 1000);
    await eventually(async () => (await getPod(client, 'vip')).spec.nodeName === 'only', 8000, 'preemptor bound');
    const remaining = (await client.list(podsResource, { namespace: 'default' })).items.map((p) => p.metadata.name);
    assert.equal(remaining.filter((n) => n?.startsWith('low-')).length, 1, `one victim evicted, left: ${remaining.join(',')}`);
    await handle.flush();
    const preempted = [...(await podEvents(client, 'low-1', 'Preempted')), ...(await podEvents(client, 'low-2', 'Preempted'))];
    assert.equal(preempted.length, 1);
    assert.equal(preempted[0]!.message, `Preempted by pod ${created.metadata.uid} on node only`);
    const failed = await podEvents(client, 'vip', 'FailedScheduling');
    assert.ok(failed.length >= 1);
    // Preemption found room, so the message carries no preemption part.
    assert.equal(failed[0]!.message, '0/1 nodes are available: 1 Insufficient cpu.');
    const explain = handle.scheduler.explain(`${created.metadata.uid}`) ?? handle.scheduler.explain('default/vip');
    assert.ok(explain, 'the scheduler kept an explanation for the preemptor');
  });
});

test('the nominated node is written to status.nominatedNodeName while victims terminate', async () => {
  await withScheduler(async ({ client }) => {
    await client.create(priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    await createNodes(client, [nodeObject('only', 'a', '1')]);
    // A grace period keeps the victim terminating, so the preemptor waits, nominated.
    await client.create(podsResource, podObject('slow', { cpu: '800m', spec: { terminationGracePeriodSeconds: 30 } }));
    await eventually(async () => (await getPod(client, 'slow')).spec.nodeName === 'only', 5000, 'victim bound');
    await client.create(podsResource, podObject('vip', { cpu: '600m', spec: { priorityClassName: 'high' } }));
    await eventually(async () => (await getPod(client, 'vip')).status?.nominatedNodeName === 'only', 5000, 'nominated');
    const victim = await getPod(client, 'slow');
    assert.ok(victim.metadata.deletionTimestamp, 'the victim is terminating');
    assert.deepEqual(
      victim.status?.conditions?.filter((c) => c.type === 'DisruptionTarget').map((c) => [c.status, c.reason, c.message]),
      [['True', 'PreemptionByScheduler', 'default-scheduler: preempting to accommodate a higher priority pod']],
    );
    assert.equal((await getPod(client, 'vip')).spec.nodeName, undefined);
  });
});

test('pods of a scheduler name no profile has are left alone; a second profile schedules its own', async () => {
  const config = [
    'apiVersion: kubescheduler.config.k8s.io/v1',
    'kind: KubeSchedulerConfiguration',
    'profiles:',
    '- schedulerName: default-scheduler',
    '- schedulerName: packer',
  ].join('\n');
  await withScheduler(async ({ client }) => {
    await createNodes(client, [nodeObject('n1', 'a')]);
    await client.create(podsResource, podObject('mine', { spec: { schedulerName: 'packer' } }));
    await client.create(podsResource, podObject('theirs', { spec: { schedulerName: 'other' } }));
    await eventually(async () => (await getPod(client, 'mine')).spec.nodeName === 'n1', 5000, 'packer pod bound');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await getPod(client, 'theirs')).spec.nodeName, undefined);
    await eventually(async () => (await podEvents(client, 'mine', 'Scheduled')).length === 1, 3000, 'event');
    const [ev] = await podEvents(client, 'mine', 'Scheduled');
    assert.equal(ev!.reportingComponent, 'packer');
  }, config);
});

const pvcs = { group: '', version: 'v1', plural: 'persistentvolumeclaims', namespaced: true };

/** A WaitForFirstConsumer class, its claim "data", node n1 and pod "db" mounting the claim. */
async function podWithWaitingClaim(client: ApiClient): Promise<void> {
  const sc = { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses', namespaced: false };
  await client.create(sc, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'wharf.dev/local', volumeBindingMode: 'WaitForFirstConsumer' });
  await client.create(pvcs, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
  await createNodes(client, [nodeObject('n1', 'a')]);
  await eventually(async () => (await client.list(pvcs, { namespace: 'default' })).items.length === 1, 2000, 'pvc');
  await new Promise((r) => setTimeout(r, 100));
  await client.create(podsResource, podObject('db', { spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } }));
}

test('a WaitForFirstConsumer claim gets volume.kubernetes.io/selected-node, and the pod is bound only once the claim is', async () => {
  await withScheduler(async ({ client }) => {
    await podWithWaitingClaim(client);
    await eventually(
      async () => (await client.get(pvcs, 'data', { namespace: 'default' })).metadata.annotations?.['volume.kubernetes.io/selected-node'] === 'n1',
      5000,
      'selected-node',
    );
    // No PV controller runs here: the claim stays unbound, so the pod must wait.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await getPod(client, 'db')).spec.nodeName, undefined, 'not bound before its claim is');
    // Playing the PV controller: a volume for the claim, and the claim names it and says the binding is complete.
    const claim = await client.get(pvcs, 'data', { namespace: 'default' });
    await client.create({ group: '', version: 'v1', plural: 'persistentvolumes', namespaced: false }, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-data' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'local',
        hostPath: { path: '/tmp/pv-data' },
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: claim.metadata.uid },
      },
    });
    await client.update(pvcs, {
      ...claim,
      metadata: { ...claim.metadata, annotations: { ...claim.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes' } },
      spec: { ...(claim.spec as object), volumeName: 'pv-data' },
    });
    await eventually(async () => (await getPod(client, 'db')).spec.nodeName === 'n1', 5000, 'pod bound once the claim is');
  });
});

test('a provisioner taking back selected-node (Reschedule) fails the waiting binding; the pod is scheduled again', async () => {
  await withScheduler(async ({ client }) => {
    await podWithWaitingClaim(client);
    const selected = async () => (await client.get(pvcs, 'data', { namespace: 'default' })).metadata.annotations?.['volume.kubernetes.io/selected-node'];
    await eventually(async () => (await selected()) === 'n1', 5000, 'selected-node');
    await client.patch(pvcs, 'data', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': null } } }, { type: 'merge', namespace: 'default' });
    // The binding fails and the pod goes back to the queue; scheduled again, it asks for the node anew.
    await eventually(async () => (await podEvents(client, 'db', 'FailedScheduling')).some((e) => /selectedNode annotation reset/.test(String(e.message))), 10_000, 'FailedScheduling');
    await eventually(async () => (await selected()) === 'n1', 15_000, 'selected-node asked for again');
    assert.equal((await getPod(client, 'db')).spec.nodeName, undefined);
  });
});

test('with leader election only the lease holder schedules; stopping it hands over', async () => {
  const api = await startApi('scheduler');
  const le = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };
  const second = new ApiClient({ baseUrl: `http://127.0.0.1:${api.port}`, component: 'scheduler-2' });
  const a = await startScheduler({ client: api.client, logger: quiet, leaderElection: { ...le, identity: 'a' } });
  await a.leading;
  const b = await startScheduler({ client: second, logger: quiet, leaderElection: { ...le, identity: 'b' } });
  try {
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(a.isLeader(), true);
    assert.equal(b.isLeader(), false);
    const lease = await api.client.get({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true }, 'kube-scheduler', { namespace: 'kube-system' });
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'a');
    await a.stop();
    await b.leading;
    assert.equal(b.isLeader(), true);
    await createNodes(api.client, [nodeObject('n1', 'a')]);
    await api.client.create(podsResource, podObject('p'));
    await eventually(async () => (await getPod(api.client, 'p')).spec.nodeName === 'n1', 5000, 'bound by the new leader');
  } finally {
    await a.stop();
    await b.stop();
    second.close();
    await api.close();
  }
});

test('a scheduler on shared informers schedules through them, and stopping it leaves them running for their owner', async () => {
  const api = await startApi('scheduler');
  const owner = new AbortController();
  const shared = new SharedInformerFactory(api.client);
  const pods = shared.informerFor(podsResource);
  shared.start(owner.signal);
  const handle = await startScheduler({ client: api.client, informers: shared, logger: quiet, signal: owner.signal });
  try {
    // One cache: the scheduler's pod informer is the owner's.
    assert.equal(handle.informers.pods, pods);
    await createNodes(api.client, [nodeObject('n1', 'a')]);
    await api.client.create(podsResource, podObject('shared-1'));
    await eventually(async () => (await getPod(api.client, 'shared-1')).spec.nodeName === 'n1', 5000, 'bound');
    await handle.stop();
    // The owner's informer still follows the cluster after the scheduler stopped.
    await api.client.create(podsResource, podObject('after-stop'));
    await eventually(async () => pods.store.getByName('default', 'after-stop') !== undefined, 5000, 'seen by the shared informer');
    assert.equal((pods.store.getByName('default', 'after-stop')!.spec as { nodeName?: string }).nodeName, undefined, 'nobody schedules it');
    // The stopped scheduler no longer listens: a node added now reaches the informer, not its snapshot.
    await createNodes(api.client, [nodeObject('n2', 'b')]);
    const nodes = shared.informerFor(nodesResource);
    await eventually(async () => nodes.store.getByName(undefined, 'n2') !== undefined, 5000, 'n2 seen by the shared informer');
    assert.equal(handle.scheduler.snapshot.node('n2'), undefined);
    assert.ok(handle.scheduler.snapshot.node('n1'));
  } finally {
    await handle.stop();
    owner.abort();
    await shared.stop();
    await api.close();
  }
});
