import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, node, pod, scores, verdicts } from '../fixtures.js';

const nodes = [
  node('clean'),
  node('nosched', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  node('noexec', { taints: [{ key: 'maint', effect: 'NoExecute' }] }),
  node('prefer', { taints: [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }] }),
  node('prefer2', { taints: [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }, { key: 'old', effect: 'PreferNoSchedule' }] }),
];
const REJECT = 'TaintToleration: node(s) had untolerated taint(s)';

test('NoSchedule and NoExecute taints reject pods without a matching toleration; PreferNoSchedule does not', () => {
  assert.deepEqual(verdicts(cluster(nodes), pod('p')), { clean: '', nosched: REJECT, noexec: REJECT, prefer: '', prefer2: '' });
});

test('tolerations match by key, operator, value and effect', () => {
  const s = cluster(nodes);
  const v = verdicts(
    s,
    pod('p', {
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
        { key: 'maint', operator: 'Exists' },
      ],
    }),
  );
  assert.equal(v.nosched, '');
  assert.equal(v.noexec, '');
  // Wrong value; wrong effect.
  assert.equal(verdicts(s, pod('q', { tolerations: [{ key: 'dedicated', value: 'cpu' }] })).nosched, REJECT);
  assert.equal(verdicts(s, pod('r', { tolerations: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] })).nosched, REJECT);
  // An empty key with Exists tolerates everything.
  assert.equal(verdicts(s, pod('t', { tolerations: [{ operator: 'Exists' }] })).noexec, '');
});

test('score counts untolerated PreferNoSchedule taints, reversed: fewer is better', () => {
  const sc = scores(cluster(nodes), pod('p'), 'TaintToleration');
  assert.deepEqual(sc, { clean: 100, prefer: 50, prefer2: 0 });
  const tolerant = scores(cluster(nodes), pod('q', { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] }), 'TaintToleration');
  assert.deepEqual(tolerant, { clean: 100, prefer: 100, prefer2: 0 });
});
