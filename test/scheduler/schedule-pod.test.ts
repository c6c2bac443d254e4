import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numFeasibleNodesToFind, selectHost } from '../../src/scheduler/schedule-pod.js';
import { cluster, node, pod } from './fixtures.js';

test('numFeasibleNodesToFind() follows the adaptive formula', () => {
  assert.equal(numFeasibleNodesToFind(0, 50), 50);
  assert.equal(numFeasibleNodesToFind(0, 100), 100); // 50% would be below the floor of 100
  assert.equal(numFeasibleNodesToFind(0, 1000), 420);
  assert.equal(numFeasibleNodesToFind(0, 5000), 500);
  assert.equal(numFeasibleNodesToFind(0, 6000), 300);
  assert.equal(numFeasibleNodesToFind(0, 10000), 500);
  assert.equal(numFeasibleNodesToFind(10, 500), 100);
  assert.equal(numFeasibleNodesToFind(100, 500), 500);
});

test('selectHost() picks the top score and breaks ties uniformly', () => {
  assert.equal(selectHost(Float64Array.from([1, 5, 3]), Math.random), 1);
  const counts = [0, 0, 0];
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let i = 0; i < 3000; i++) counts[selectHost(Float64Array.from([7, 2, 7, 7].slice(1)), rnd)]!++;
  // Indices 1 and 2 tie (7, 7); index 0 (2) never wins.
  assert.equal(counts[0], 0);
  assert.ok(Math.abs(counts[1]! - counts[2]!) < 300, `unbalanced ties ${counts}`);
});

test('filtering stops at the feasible-node budget and rotates its start', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => node(`n${i}`));
  const s = cluster(nodes, [], { explainCapacity: 10 });
  s.addPod(pod('a'));
  s.addPod(pod('b'));
  s.drain();
  // 300 nodes: 50 - 2 = 48% -> 144 nodes.
  assert.equal(s.explain('default-a')!.evaluatedNodes, 144);
  assert.equal(s.explain('default-a')!.feasibleNodes, 144);
  const pct = cluster(nodes, [], { config: { percentageOfNodesToScore: 100 } });
  pct.addPod(pod('c'));
  pct.drain();
  assert.equal(pct.explain('default-c')!.evaluatedNodes, 300);
});
