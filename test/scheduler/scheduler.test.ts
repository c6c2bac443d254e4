import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podScheduledCondition, Scheduler, type SchedulingFailure } from '../../src/scheduler/index.js';
import { cluster, node, pod, scheduleAll, ZONE } from './fixtures.js';

test('a Deployment with zone anti-affinity lands in distinct zones; the extra replica stays pending with the upstream message', async () => {
  const nodes = ['a', 'b', 'c'].flatMap((z) => [node(`${z}1`, { labels: { [ZONE]: z } }), node(`${z}2`, { labels: { [ZONE]: z } })]);
  const failures: SchedulingFailure[] = [];
  const s = cluster(nodes, [], { onFailure: (_p, f) => failures.push(f) });
  for (let i = 0; i < 4; i++) {
    s.addPod(
      pod(`web-${i}`, {
        labels: { app: 'web' },
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: ZONE }] } },
      }),
    );
  }
  const placed = await scheduleAll(s);
  const zones = Object.values(placed).map((n) => n[0]);
  assert.equal(zones.length, 3);
  assert.deepEqual(new Set(zones), new Set(['a', 'b', 'c']));
  assert.equal(
    failures[0]!.message,
    "0/6 nodes are available: 6 node(s) didn't match pod anti-affinity rules. preemption: 0/6 nodes are available: 6 No preemption victims found for incoming pod.",
  );
  const cond = podScheduledCondition(failures[0]!, new Date('2024-01-02T03:04:05.678Z'));
  assert.deepEqual(cond, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: failures[0]!.message, lastTransitionTime: '2024-01-02T03:04:05Z' });
});

test('a node added later moves the pending pod back and it gets scheduled', async () => {
  let t = 0;
  const s = cluster([node('small', { cpu: '1' })], [], { now: () => t });
  s.addPod(pod('big', { cpu: '2' }));
  s.drain();
  assert.equal(s.queue.where('default-big'), 'unschedulable');
  s.addNode(node('large', { cpu: '8' }));
  assert.equal(s.queue.where('default-big'), 'backoff');
  t += 1000;
  s.queue.tick();
  assert.deepEqual(await scheduleAll(s), { big: 'large' });
});

test('an event no rejecting plugin registered leaves the pod where it is', () => {
  const s = cluster([node('small', { cpu: '1' })]);
  s.addPod(pod('big', { cpu: '2' }));
  s.drain();
  s.updateNode(undefined, node('small', { cpu: '1', labels: { extra: 'label' } }));
  assert.equal(s.queue.where('default-big'), 'unschedulable');
  s.updateNode(undefined, node('small', { cpu: '4', labels: { extra: 'label' } }));
  assert.equal(s.queue.where('default-big'), 'backoff');
});

test('a failed binding forgets the assumed pod and retries it after backoff', async () => {
  let t = 0;
  let fail = true;
  const scheduled: string[] = [];
  const s = new Scheduler({
    now: () => t,
    random: () => 0,
    bind: async () => {
      if (fail) throw new Error('conflict');
    },
    onScheduled: (_p, _n, msg) => scheduled.push(msg),
  });
  s.addNode(node('n1', { cpu: '1' }));
  s.addPod(pod('p', { cpu: '1' }));
  s.drain();
  await s.waitForBindings();
  assert.equal(s.snapshot.node('n1')!.pods.length, 0);
  assert.equal(s.queue.where('default-p'), 'backoff');
  fail = false;
  t += 1000;
  s.queue.tick();
  s.drain();
  await s.waitForBindings();
  assert.deepEqual(scheduled, ['Successfully assigned default/p to n1']);
});

test('assumed pods count at once; the informer confirming the binding does not count them twice', async () => {
  const s = cluster([node('n1', { cpu: '1' })]);
  s.addPod(pod('a', { cpu: '600m' }));
  s.addPod(pod('b', { cpu: '600m' }));
  s.drain();
  assert.equal(s.snapshot.node('n1')!.requested.milliCPU, 600);
  s.updatePod(pod('a', { cpu: '600m' }), pod('a', { cpu: '600m', nodeName: 'n1' }));
  assert.equal(s.snapshot.node('n1')!.requested.milliCPU, 600);
  assert.equal(s.snapshot.isAssumed('default-a'), false);
  // Deleting the bound pod frees the room and brings b back.
  s.removePod(pod('a', { nodeName: 'n1' }));
  assert.equal(s.snapshot.node('n1')!.requested.milliCPU, 0);
  assert.notEqual(s.queue.where('default-b'), 'unschedulable');
});

test('pods of other schedulers and finished pods are ignored', () => {
  const s = cluster([node('n1')]);
  s.addPod(pod('other', { spec: { schedulerName: 'someone-else' } }));
  s.addPod({ ...pod('done'), status: { phase: 'Succeeded' } });
  assert.equal(s.drain(), 0);
});

test('explain() keeps the latest attempt; explainPod() is a dry run over every node', () => {
  const s = cluster([node('a', { cpu: '1' }), node('b', { cpu: '4' })]);
  s.addPod(pod('p', { cpu: '2' }));
  s.drain();
  const rec = s.explain('default-p')!;
  assert.equal(rec.result, 'Scheduled');
  assert.equal(rec.selectedNode, 'b');
  assert.deepEqual(rec.rejected, [{ node: 'a', plugin: 'NodeResourcesFit', code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient cpu'] }]);
  assert.equal(rec.scores[0]!.node, 'b');
  assert.ok(rec.scores[0]!.plugins.some((x) => x.plugin === 'NodeResourcesFit' && x.weight === 1));
  const dry = s.explainPod(pod('q', { cpu: '3' }));
  assert.equal(dry.result, 'Unschedulable');
  assert.equal(dry.message, '0/2 nodes are available: 2 Insufficient cpu.');
  assert.equal(s.explain('default-q'), undefined);
  // The dry run lists every Filter plugin's verdict per node.
  const onA = dry.filters!.find((f) => f.node === 'a')!.plugins;
  assert.deepEqual(onA.find((x) => x.plugin === 'NodeResourcesFit'), { plugin: 'NodeResourcesFit', code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient cpu'] });
  assert.equal(onA.find((x) => x.plugin === 'TaintToleration')!.code, 'Success');
});

test('run() schedules pods as they arrive until stop()', async () => {
  const s = cluster([node('n1')]);
  const running = s.run();
  s.addPod(pod('p1'));
  await new Promise((r) => setTimeout(r, 20));
  s.addPod(pod('p2'));
  await new Promise((r) => setTimeout(r, 20));
  s.stop();
  await running;
  await s.waitForBindings();
  assert.deepEqual([...s.bindings.keys()].sort(), ['default-p1', 'default-p2']);
});

test('a Permit plugin may hold a pod until it is allowed; a rejected one is requeued', async () => {
  const { WaitStatus } = await import('../../src/scheduler/framework/status.js');
  const s = cluster([node('n1')], [], {
    plugins: { Gate: () => ({ name: 'Gate', permit: () => new WaitStatus(60_000) }) },
    config: { profiles: [{ schedulerName: 'default-scheduler', plugins: { permit: { enabled: [{ name: 'Gate' }] } } }] },
  });
  s.addPod(pod('p'));
  s.addPod(pod('q'));
  s.drain();
  assert.equal(s.bindings.size, 0);
  assert.ok(s.allowWaitingPod('default-p'));
  assert.ok(s.rejectWaitingPod('default-q', 'not now'));
  await s.waitForBindings();
  assert.deepEqual([...s.bindings.keys()], ['default-p']);
  assert.equal(s.queue.where('default-q'), 'backoff');
  assert.equal(s.snapshot.node('n1')!.pods.length, 1);
});
