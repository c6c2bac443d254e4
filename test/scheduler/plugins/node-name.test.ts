import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, pod } from '../fixtures.js';

test('a pod naming a node is filtered on that node only', () => {
  const s = cluster([node('a'), node('b'), node('c')]);
  const rec = s.explainPod(pod('p', { spec: { nodeName: 'b' } }));
  assert.equal(rec.selectedNode, 'b');
  assert.equal(rec.evaluatedNodes, 1);
});

test('a named node that does not fit yields the FailedScheduling text with the narrowed nodes', () => {
  const s = cluster([node('a', { cpu: '1' }), node('b'), node('c')]);
  const rec = s.explainPod(pod('p', { cpu: '2', spec: { nodeName: 'a' } }));
  assert.equal(rec.message, "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeName].");
});
