import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { SchedulingFailure } from '../../../../src/scheduler/index.js';
import { cluster, node, pod } from '../../fixtures.js';

function run(nodes: ReturnType<typeof node>[], bound: Pod[], preemptor: Pod, pdbs: object[] = []) {
  const failures: SchedulingFailure[] = [];
  const evicted: string[] = [];
  const s = cluster(nodes, bound, {
    onFailure: (_p, f) => failures.push(f),
    evict: async (v) => {
      evicted.push(v.metadata!.name!);
    },
  });
  for (const p of pdbs) s.setObject('PodDisruptionBudget', p as never);
  s.addPod(preemptor);
  s.drain();
  return { s, failures, evicted };
}

test('evicts the minimal set of lower-priority pods and nominates the node', () => {
  const { failures, evicted, s } = run(
    [node('n1', { cpu: '2' })],
    [pod('low1', { nodeName: 'n1', cpu: '1', priority: 1 }), pod('low2', { nodeName: 'n1', cpu: '500m', priority: 2 }), pod('high', { nodeName: 'n1', cpu: '500m', priority: 100 })],
    pod('p', { cpu: '1', priority: 50 }),
  );
  // Removing low1 (1 CPU) is enough; low2 is reprieved first (more important) and still fits.
  assert.deepEqual(evicted, ['low1']);
  assert.equal(failures[0]!.nominatedNodeName, 'n1');
  assert.equal(failures[0]!.message, '0/1 nodes are available: 1 Insufficient cpu.');
  assert.deepEqual(s.explain('default-p')?.victims, ['default/low1']);
});

test('prefers the node whose victims have the lowest highest priority, then fewest victims', () => {
  const { evicted, failures } = run(
    [node('n1', { cpu: '1' }), node('n2', { cpu: '1' }), node('n3', { cpu: '1' })],
    [
      pod('a', { nodeName: 'n1', cpu: '1', priority: 5 }),
      pod('b1', { nodeName: 'n2', cpu: '500m', priority: 1 }),
      pod('b2', { nodeName: 'n2', cpu: '500m', priority: 1 }),
      pod('c', { nodeName: 'n3', cpu: '1', priority: 1 }),
    ],
    pod('p', { cpu: '1', priority: 10 }),
  );
  assert.equal(failures[0]!.nominatedNodeName, 'n3');
  assert.deepEqual(evicted, ['c']);
});

test('respects PodDisruptionBudgets: a node whose eviction violates none wins', () => {
  const { evicted, failures } = run(
    [node('n1', { cpu: '1' }), node('n2', { cpu: '1' })],
    [pod('guarded', { nodeName: 'n1', cpu: '1', priority: 0, labels: { app: 'db' } }), pod('free', { nodeName: 'n2', cpu: '1', priority: 3 })],
    pod('p', { cpu: '1', priority: 10 }),
    [{ metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } }],
  );
  assert.equal(failures[0]!.nominatedNodeName, 'n2');
  assert.deepEqual(evicted, ['free']);
});

test('explains why preemption cannot help', () => {
  const { failures, evicted } = run(
    [node('big', { cpu: '1' }), node('tainted', { taints: [{ key: 'k', effect: 'NoSchedule' }] })],
    [pod('same', { nodeName: 'big', cpu: '1', priority: 10 })],
    pod('p', { cpu: '1', priority: 10 }),
  );
  assert.deepEqual(evicted, []);
  assert.equal(
    failures[0]!.message,
    '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
  );
});

test('preemptionPolicy Never keeps the pod from preempting', () => {
  const { failures, evicted } = run([node('n1', { cpu: '1' })], [pod('low', { nodeName: 'n1', cpu: '1', priority: 0 })], pod('p', { cpu: '1', priority: 10, spec: { preemptionPolicy: 'Never' } }));
  assert.deepEqual(evicted, []);
  assert.equal(failures[0]!.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
});

test('the nominated pod gets the node once the victims are gone; lower-priority pods do not take it', async () => {
  const s = cluster([node('n1', { cpu: '1' })], [pod('low', { nodeName: 'n1', cpu: '1', priority: 0 })], { now: () => t });
  let t = 0;
  const p = pod('p', { cpu: '1', priority: 10 });
  s.addPod(p);
  s.drain(); // evicts 'low' (default evict removes it) and nominates n1
  assert.equal(s.snapshot.node('n1')!.pods.length, 0);
  // A lower-priority pod arriving now must not take the room held for the preemptor.
  s.addPod(pod('sneaky', { cpu: '1', priority: 5 }));
  s.drain();
  assert.equal(s.bindings.has('default-sneaky'), false);
  t += 2000;
  s.queue.tick();
  s.drain();
  await s.waitForBindings();
  assert.equal(s.bindings.get('default-p'), 'n1');
});
