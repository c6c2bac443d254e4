import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, pod, scores } from '../fixtures.js';

test('NodeResourcesBalancedAllocation favours even cpu/memory fractions and skips best-effort pods', () => {
  const s = cluster([node('even', { cpu: '4', memory: '4Gi' }), node('skewed', { cpu: '4', memory: '4Gi' })], [pod('e', { nodeName: 'skewed', cpu: '2' })]);
  const sc = scores(s, pod('p', { cpu: '1', memory: '1Gi' }), 'NodeResourcesBalancedAllocation');
  // even: 0.25/0.25 -> 100; skewed: cpu 0.75, mem 0.25 -> std 0.25 -> 75
  assert.deepEqual(sc, { even: 100, skewed: 75 });
  assert.ok(Number.isNaN(scores(s, pod('be'), 'NodeResourcesBalancedAllocation').even));
});
