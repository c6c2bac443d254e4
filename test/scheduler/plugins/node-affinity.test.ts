import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, pod, scores, verdicts, ZONE } from '../fixtures.js';

const nodes = [
  node('a', { labels: { [ZONE]: 'z1', gen: '3' } }),
  node('b', { labels: { [ZONE]: 'z2', gen: '5' } }),
  node('c', { labels: { gen: 'x' } }),
];
const REJECT = "NodeAffinity: node(s) didn't match Pod's node affinity/selector";

test('nodeSelector requires every label', () => {
  const v = verdicts(cluster(nodes), pod('p', { nodeSelector: { [ZONE]: 'z1', gen: '3' } }));
  assert.deepEqual(v, { a: '', b: REJECT, c: REJECT });
});

test('required terms are ORed, expressions ANDed; Gt/Lt compare integers; NotIn and DoesNotExist accept missing labels', () => {
  const s = cluster(nodes);
  const affinity = (terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
  assert.deepEqual(verdicts(s, pod('gt', { affinity: affinity([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }]) })), {
    a: REJECT,
    b: '',
    c: REJECT,
  });
  assert.deepEqual(
    verdicts(s, pod('or', { affinity: affinity([{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['z1'] }] }, { matchExpressions: [{ key: ZONE, operator: 'DoesNotExist' }] }]) })),
    { a: '', b: REJECT, c: '' },
  );
  assert.deepEqual(verdicts(s, pod('notin', { affinity: affinity([{ matchExpressions: [{ key: ZONE, operator: 'NotIn', values: ['z1'] }] }]) })), {
    a: REJECT,
    b: '',
    c: '',
  });
  // An empty term selects nothing; with only empty terms no node matches.
  assert.deepEqual(verdicts(s, pod('empty', { affinity: affinity([{}]) })), { a: REJECT, b: REJECT, c: REJECT });
});

test('matchFields metadata.name narrows the nodes in PreFilter; the rest are reported as not satisfying the plugin', () => {
  const s = cluster(nodes);
  const p = pod('p', {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } },
  });
  const rec = s.explainPod(p);
  assert.equal(rec.selectedNode, 'b');
  assert.equal(rec.evaluatedNodes, 1);
  const fail = pod('q', {
    nodeSelector: { gen: 'none' },
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } },
  });
  assert.equal(
    s.explainPod(fail).message,
    "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
  );
});

test('preferred terms add their weights, normalized to 100', () => {
  const s = cluster(nodes);
  const p = pod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 10, preference: { matchExpressions: [{ key: ZONE, operator: 'Exists' }] } },
          { weight: 30, preference: { matchExpressions: [{ key: ZONE, operator: 'In', values: ['z2'] }] } },
        ],
      },
    },
  });
  assert.deepEqual(scores(s, p, 'NodeAffinity'), { a: 25, b: 100, c: 0 });
});

test('addedAffinity from the profile applies to every pod', () => {
  const s = cluster(nodes, [], {
    config: {
      profiles: [
        {
          schedulerName: 'default-scheduler',
          pluginConfig: [
            {
              name: 'NodeAffinity',
              args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'Exists' }] }] } } },
            },
          ],
        },
      ],
    },
  });
  assert.equal(verdicts(s, pod('p')).c, "NodeAffinity: node(s) didn't match scheduler-enforced node affinity");
});
