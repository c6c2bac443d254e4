import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, pod, verdicts } from '../fixtures.js';

test('cordoned nodes are skipped unless the pod tolerates the unschedulable taint', () => {
  const s = cluster([node('up'), node('cordoned', { unschedulable: true })]);
  assert.deepEqual(verdicts(s, pod('p')), { up: '', cordoned: 'NodeUnschedulable: node(s) were unschedulable' });
  const tolerant = pod('q', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
  assert.equal(verdicts(s, tolerant).cordoned, '');
});
