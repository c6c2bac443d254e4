import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { cluster, HOST, node, pod, scores, verdicts, ZONE } from '../../fixtures.js';

const SKEW = "PodTopologySpread: node(s) didn't match pod topology spread constraints";
const LABEL = "PodTopologySpread: node(s) didn't match pod topology spread constraints (missing required label)";

const nodes = () => [
  node('a1', { labels: { [ZONE]: 'a' } }),
  node('a2', { labels: { [ZONE]: 'a' } }),
  node('b1', { labels: { [ZONE]: 'b' } }),
  node('c1', { labels: { [ZONE]: 'c' }, taints: [{ key: 'x', effect: 'NoSchedule' }] }),
];
const web = (name: string, nodeName?: string) => pod(name, { nodeName, labels: { app: 'web' } });
function spread(c: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint {
  return { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c };
}

test('skew = matching pods in the domain + self - global minimum must not exceed maxSkew', () => {
  const s = cluster(nodes(), [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')]);
  // a: 2, b: 1, c: 0 (c1's taint is ignored by default nodeTaintsPolicy, so c counts as a domain with 0)
  const v = verdicts(s, pod('p', { labels: { app: 'web' }, spread: [spread()] }));
  assert.equal(v.a1, SKEW);
  assert.equal(v.b1, SKEW);
  assert.equal(v.c1, 'TaintToleration: node(s) had untolerated taint(s)');
  // maxSkew 2 lets b (1 + 1 - 0 = 2) in.
  assert.equal(verdicts(s, pod('q', { labels: { app: 'web' }, spread: [spread({ maxSkew: 2 })] })).b1, '');
});

test('nodeTaintsPolicy Honor drops tainted nodes from the domains', () => {
  const s = cluster(nodes(), [web('w1', 'a1'), web('w3', 'b1')]);
  const v = verdicts(s, pod('p', { labels: { app: 'web' }, spread: [spread({ nodeTaintsPolicy: 'Honor' })] }));
  // Domains a (1) and b (1): minimum 1, so both fit.
  assert.equal(v.a1, '');
  assert.equal(v.b1, '');
});

test('nodeAffinityPolicy: Honor (default) counts only nodes matching the pod\'s node affinity; Ignore counts all', () => {
  const s = cluster(nodes(), [web('w1', 'a1')]);
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['a'] }] }] } } };
  // Honor: only domain a counts: min 1, skew 1 + 1 - 1 = 1 -> fits.
  assert.equal(verdicts(s, pod('p', { labels: { app: 'web' }, affinity, spread: [spread()] })).a2, '');
  // Ignore: domains a (1), b (0), c (0): skew 2 -> rejected.
  assert.equal(verdicts(s, pod('q', { labels: { app: 'web' }, affinity, spread: [spread({ nodeAffinityPolicy: 'Ignore' })] })).a2, SKEW);
});

test('minDomains: fewer eligible domains than minDomains makes the global minimum 0', () => {
  const s = cluster(nodes().slice(0, 3), [web('w1', 'a1'), web('w2', 'b1')]);
  const p = (minDomains: number) => pod(`p${minDomains}`, { labels: { app: 'web' }, spread: [spread({ minDomains })] });
  assert.equal(verdicts(s, p(1)).a2, '');
  assert.equal(verdicts(s, p(3)).a2, SKEW);
});

test('nodes without the topology key are rejected as unresolvable', () => {
  const s = cluster([...nodes(), node('bare')]);
  assert.equal(verdicts(s, pod('p', { labels: { app: 'web' }, spread: [spread()] })).bare, LABEL);
});

test('matchLabelKeys restricts counting to pods with the same value', () => {
  const s = cluster(nodes(), [
    pod('old1', { nodeName: 'a1', labels: { app: 'web', rev: '1' } }),
    pod('old2', { nodeName: 'a2', labels: { app: 'web', rev: '1' } }),
  ]);
  const p = pod('p', { labels: { app: 'web', rev: '2' }, spread: [spread({ matchLabelKeys: ['rev'] })] });
  assert.equal(verdicts(s, p).a1, '');
  const q = pod('q', { labels: { app: 'web', rev: '2' }, spread: [spread()] });
  assert.equal(verdicts(s, q).a1, SKEW);
});

test('a pod not matching its own selector does not count itself', () => {
  const s = cluster(nodes(), [web('w1', 'a1')]);
  assert.equal(verdicts(s, pod('p', { labels: { app: 'other' }, spread: [spread()] })).a1, '');
});

test('ScheduleAnyway constraints score: fewer matching pods in the domain is better', () => {
  const s = cluster(nodes().slice(0, 3), [web('w1', 'a1'), web('w2', 'a2'), web('w3', 'b1')]);
  const sc = scores(s, pod('p', { labels: { app: 'web' }, spread: [spread({ whenUnsatisfiable: 'ScheduleAnyway' })] }), 'PodTopologySpread');
  // 2 domains among candidates: weight log(4); a: 2*log4 = 2.77 -> 3, b: 1.39 -> 1; normalized 100*(3+1-s)/3
  assert.deepEqual(sc, { a1: 33, a2: 33, b1: 100 });
});

test('system default constraints spread pods of the same service over hosts and zones', () => {
  const s = cluster(nodes().slice(0, 3), [web('w1', 'a1'), web('w2', 'a2')]);
  s.setObject('Service', { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } });
  const sc = scores(s, web('p'), 'PodTopologySpread');
  assert.equal(sc.b1, 100);
  assert.ok(sc.a1! < 100);
  // A pod no service or controller selects gets no default constraints (the plugin skips).
  assert.ok(Number.isNaN(scores(s, pod('lonely', { labels: { app: 'x' } }), 'PodTopologySpread').b1));
});

test('hostname constraints count per node', () => {
  const s = cluster([node('h1'), node('h2')], [web('w1', 'h1')]);
  assert.deepEqual(verdicts(s, pod('p', { labels: { app: 'web' }, spread: [spread({ topologyKey: HOST })] })), { h1: SKEW, h2: '' });
});
