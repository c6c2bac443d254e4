import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitErrorMessage, newDiagnosis } from '../../../src/scheduler/framework/diagnosis.js';
import { unresolvable, unschedulable } from '../../../src/scheduler/framework/status.js';
import { NodeInfo } from '../../../src/scheduler/snapshot/node-info.js';

const nodes = Array.from({ length: 5 }, (_, i) => new NodeInfo({ metadata: { name: `n${i}` } }, i));

test('fitErrorMessage() counts reasons per node and sorts them as strings', () => {
  const d = newDiagnosis(nodes);
  for (const n of ['n0', 'n1', 'n2']) d.statuses.set(n, unschedulable("node(s) didn't match pod anti-affinity rules"));
  for (const n of ['n3', 'n4']) d.statuses.set(n, unschedulable('Insufficient cpu', 'Insufficient memory'));
  d.postFilterMsg = 'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.';
  assert.equal(
    fitErrorMessage(5, d),
    "0/5 nodes are available: 2 Insufficient cpu, 2 Insufficient memory, 3 node(s) didn't match pod anti-affinity rules. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
  );
});

test('fitErrorMessage() uses the PreFilter message alone when PreFilter rejected the pod', () => {
  const d = newDiagnosis(nodes);
  d.preFilterMsg = 'persistentvolumeclaim "x" not found';
  d.statuses.absent = unresolvable(d.preFilterMsg);
  assert.equal(fitErrorMessage(5, d), '0/5 nodes are available: persistentvolumeclaim "x" not found.');
});

test('fitErrorMessage() counts the nodes a PreFilter result left out with the absent status', () => {
  const d = newDiagnosis(nodes);
  d.statuses.set('n0', unschedulable('Insufficient cpu'));
  d.statuses.absent = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  assert.equal(fitErrorMessage(5, d), "0/5 nodes are available: 1 Insufficient cpu, 4 node(s) didn't satisfy plugin(s) [NodeAffinity].");
});
