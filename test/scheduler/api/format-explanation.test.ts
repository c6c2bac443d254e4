import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplainRecord } from '../../../src/scheduler/index.js';
import { formatExplanation, renderTable } from '../../../src/scheduler/api/format-explanation.js';

function record(nodes: number): ExplainRecord {
  const filters = Array.from({ length: nodes }, (_, i) => ({
    node: `node-${i}`,
    plugins: [
      { plugin: 'NodeName', code: 'Success', reasons: [] },
      i % 2 === 0
        ? { plugin: 'InterPodAffinity', code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"] }
        : { plugin: 'InterPodAffinity', code: 'Success', reasons: [] },
    ],
  }));
  return {
    pod: 'default/web',
    uid: 'u',
    profile: 'default-scheduler',
    time: 0,
    attempt: 0,
    result: 'Scheduled',
    selectedNode: 'node-1',
    numNodes: nodes,
    evaluatedNodes: nodes,
    feasibleNodes: Math.floor(nodes / 2),
    preFilter: [],
    rejected: [],
    scores: [
      { node: 'node-1', total: 150, plugins: [{ plugin: 'NodeResourcesFit', raw: 50, normalized: 50, weight: 1, weighted: 50 }, { plugin: 'TaintToleration', raw: 0, normalized: 100, weight: 1, weighted: 100 }] },
      { node: 'node-3', total: 149.5, plugins: [{ plugin: 'NodeResourcesFit', raw: 49.5, normalized: 49.5, weight: 1, weighted: 49.5 }, { plugin: 'TaintToleration', raw: 0, normalized: 100, weight: 1, weighted: 100 }] },
    ],
    filters,
  };
}

const state = { pod: 'default/web', phase: 'Pending', snapshotPods: 7 };

test('formatExplanation() prints one filter row per node, the reasons, and the score table', () => {
  const text = formatExplanation(record(4), state);
  assert.equal(
    text,
    [
      'Pod:        default/web',
      'Status:     Pending',
      'Profile:    default-scheduler',
      'Dry run: fits, best node node-1 (4 nodes, 7 pods; 2 feasible)',
      '',
      'Filter verdicts (4 nodes; pass, FAIL = unschedulable, FAIL! = unresolvable, - = skipped):',
      'NODE    NodeName  InterPodAffinity',
      'node-0  pass      FAIL',
      'node-1  pass      pass',
      'node-2  pass      FAIL',
      'node-3  pass      pass',
      '',
      'Rejections:',
      "  InterPodAffinity: node(s) didn't match pod anti-affinity rules (2 node(s): node-0, node-2)",
      '',
      'Scores (top 2 of 2 feasible nodes; each cell is normalized score x weight, raw score in brackets when it differs):',
      'NODE    TOTAL  NodeResourcesFit  TaintToleration',
      'node-1  150    50x1              100x1 [0]',
      'node-3  149.5  49.5x1            100x1 [0]',
      '',
    ].join('\n'),
  );
});

test('formatExplanation() groups nodes with the same verdicts once there are more than maxNodeRows', () => {
  const text = formatExplanation(record(10), state, { maxNodeRows: 5 });
  assert.match(text, /^5 node\(s\): node-0, node-2, node-4 and 2 more  pass      FAIL$/m);
  assert.match(text, /^5 node\(s\): node-1, node-3, node-5 and 2 more  pass      pass$/m);
  assert.match(text, /\(5 node\(s\): node-0, node-2, node-4, node-6, node-8\)$/m);
});

test('renderTable() aligns columns and leaves no trailing spaces', () => {
  assert.deepEqual(renderTable(['A', 'LONGER'], [['xxxx', ''], ['y', 'z']]), ['A     LONGER', 'xxxx', 'y     z']);
});
