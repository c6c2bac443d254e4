import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { cluster, HOST, node, pod, scores, verdicts, ZONE } from '../../fixtures.js';

const AFF = "InterPodAffinity: node(s) didn't match pod affinity rules";
const ANTI = "InterPodAffinity: node(s) didn't match pod anti-affinity rules";
const EXISTING = "InterPodAffinity: node(s) didn't satisfy existing pods anti-affinity rules";

const zoned = () => [
  node('a1', { labels: { [ZONE]: 'a' } }),
  node('a2', { labels: { [ZONE]: 'a' } }),
  node('b1', { labels: { [ZONE]: 'b' } }),
  node('nozone'),
];

function term(labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm {
  return { labelSelector: { matchLabels: labels }, topologyKey, ...extra };
}
const antiPod = (name: string, t: PodAffinityTerm, o: Parameters<typeof pod>[1] = {}): Pod =>
  pod(name, { ...o, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } } });
const affPod = (name: string, t: PodAffinityTerm, o: Parameters<typeof pod>[1] = {}): Pod =>
  pod(name, { ...o, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } } });

test('required anti-affinity blocks every node of the matching pod\'s domain', () => {
  const s = cluster(zoned(), [pod('db', { nodeName: 'a1', labels: { app: 'db' } })]);
  assert.deepEqual(verdicts(s, antiPod('p', term({ app: 'db' }, HOST))), { a1: ANTI, a2: '', b1: '', nozone: '' });
  assert.deepEqual(verdicts(s, antiPod('q', term({ app: 'db' }, ZONE))), { a1: ANTI, a2: ANTI, b1: '', nozone: '' });
});

test("symmetry: an existing pod's required anti-affinity keeps matching newcomers out of its domain", () => {
  const s = cluster(zoned(), [antiPod('loner', term({ app: 'web' }, ZONE), { nodeName: 'b1', labels: { app: 'other' } })]);
  assert.deepEqual(verdicts(s, pod('web', { labels: { app: 'web' } })), { a1: '', a2: '', b1: EXISTING, nozone: '' });
  assert.deepEqual(verdicts(s, pod('api', { labels: { app: 'api' } })), { a1: '', a2: '', b1: '', nozone: '' });
});

test('required affinity needs a matching pod in the domain; nodes without the topology label never fit', () => {
  const s = cluster(zoned(), [pod('cache', { nodeName: 'a2', labels: { app: 'cache' } })]);
  assert.deepEqual(verdicts(s, affPod('p', term({ app: 'cache' }, ZONE))), { a1: '', a2: '', b1: AFF, nozone: AFF });
});

test('first pod of a group with affinity to itself may go to any node with the topology label', () => {
  const s = cluster(zoned());
  const self = affPod('first', term({ app: 'grp' }, ZONE), { labels: { app: 'grp' } });
  assert.deepEqual(verdicts(s, self), { a1: '', a2: '', b1: '', nozone: AFF });
  // Not matching its own term: no exception.
  const other = affPod('stranger', term({ app: 'grp' }, ZONE), { labels: { app: 'x' } });
  assert.deepEqual(verdicts(s, other), { a1: AFF, a2: AFF, b1: AFF, nozone: AFF });
  // Once one exists, the rest follow it.
  s.addPod({ ...self, spec: { ...self.spec!, nodeName: 'b1' } });
  assert.deepEqual(verdicts(s, affPod('second', term({ app: 'grp' }, ZONE), { labels: { app: 'grp' } })), { a1: AFF, a2: AFF, b1: '', nozone: AFF });
});

test('namespaces, empty namespaceSelector (all namespaces) and namespaceSelector by labels', () => {
  const s = cluster(zoned(), [pod('db', { nodeName: 'a1', namespace: 'prod', labels: { app: 'db' } })]);
  s.setObject('Namespace', { metadata: { name: 'prod', labels: { env: 'prod' } } });
  s.setObject('Namespace', { metadata: { name: 'default' } });
  // Default: the pod's own namespace only.
  assert.equal(verdicts(s, antiPod('p', term({ app: 'db' }, HOST))).a1, '');
  assert.equal(verdicts(s, antiPod('p', term({ app: 'db' }, HOST, { namespaces: ['prod'] }))).a1, ANTI);
  assert.equal(verdicts(s, antiPod('p', term({ app: 'db' }, HOST, { namespaceSelector: {} }))).a1, ANTI);
  assert.equal(verdicts(s, antiPod('p', term({ app: 'db' }, HOST, { namespaceSelector: { matchLabels: { env: 'prod' } } }))).a1, ANTI);
  assert.equal(verdicts(s, antiPod('p', term({ app: 'db' }, HOST, { namespaceSelector: { matchLabels: { env: 'dev' } } }))).a1, '');
});

test("symmetry honours the existing pod's namespaceSelector against the newcomer's namespace labels", () => {
  const s = cluster(zoned(), [antiPod('guard', term({ app: 'web' }, HOST, { namespaceSelector: { matchLabels: { tier: 'front' } } }), { nodeName: 'a1', namespace: 'sys' })]);
  s.setObject('Namespace', { metadata: { name: 'front', labels: { tier: 'front' } } });
  s.setObject('Namespace', { metadata: { name: 'back', labels: { tier: 'back' } } });
  assert.equal(verdicts(s, pod('w1', { namespace: 'front', labels: { app: 'web' } })).a1, EXISTING);
  assert.equal(verdicts(s, pod('w2', { namespace: 'back', labels: { app: 'web' } })).a1, '');
});

test('matchLabelKeys and mismatchLabelKeys add the pod\'s own label values to the selector', () => {
  const s = cluster(zoned(), [
    pod('v1', { nodeName: 'a1', labels: { app: 'web', rev: '1' } }),
    pod('v2', { nodeName: 'b1', labels: { app: 'web', rev: '2' } }),
  ]);
  const match = antiPod('p', term({ app: 'web' }, HOST, { matchLabelKeys: ['rev'] }), { labels: { app: 'web', rev: '2' } });
  assert.deepEqual(verdicts(s, match), { a1: '', a2: '', b1: ANTI, nozone: '' });
  const mismatch = antiPod('q', term({ app: 'web' }, HOST, { mismatchLabelKeys: ['rev'] }), { labels: { app: 'web', rev: '2' } });
  assert.deepEqual(verdicts(s, mismatch), { a1: ANTI, a2: '', b1: '', nozone: '' });
});

test('counters follow pod removal and node relabelling', () => {
  const s = cluster(zoned(), [pod('db', { nodeName: 'a1', labels: { app: 'db' } })]);
  const p = antiPod('p', term({ app: 'db' }, ZONE));
  assert.equal(verdicts(s, p).a2, ANTI);
  s.updateNode(undefined, node('a1', { labels: { [ZONE]: 'b' } }));
  assert.deepEqual(verdicts(s, p), { a1: ANTI, a2: '', b1: ANTI, nozone: '' });
  s.removePod('default-db');
  assert.deepEqual(verdicts(s, p), { a1: '', a2: '', b1: '', nozone: '' });
});

test('preferred terms score by weight × matching pods per domain, min-max normalized', () => {
  const s = cluster(zoned(), [
    pod('c1', { nodeName: 'a1', labels: { app: 'cache' } }),
    pod('c2', { nodeName: 'a2', labels: { app: 'cache' } }),
    pod('c3', { nodeName: 'b1', labels: { app: 'cache' } }),
  ]);
  const p = pod('p', {
    affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'cache' }, ZONE) }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ app: 'cache' }, HOST) }] },
    },
  });
  // raw: a1 = 20 - 5 = 15, a2 = 15, b1 = 10 - 5 = 5, nozone = 0 -> (s - 0) / 15 * 100
  assert.deepEqual(scores(s, p, 'InterPodAffinity'), { a1: 100, a2: 100, b1: 33, nozone: 0 });
});

test("existing pods' preferred terms and required affinity (hardPodAffinityWeight) score the newcomer", () => {
  const s = cluster(zoned(), [
    pod('fan', {
      nodeName: 'b1',
      affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term({ app: 'star' }, ZONE) }] } },
    }),
    affPod('follower', term({ app: 'star' }, HOST), { nodeName: 'a1' }),
  ]);
  const star = pod('star', { labels: { app: 'star' } });
  // b1 gets 50 (fan's preferred term), a1 gets 1 (follower's required term × hardPodAffinityWeight 1).
  assert.deepEqual(scores(s, star, 'InterPodAffinity'), { a1: 2, a2: 0, b1: 100, nozone: 0 });
  const heavy = cluster(zoned(), [affPod('follower', term({ app: 'star' }, HOST), { nodeName: 'a1' })], {
    config: { profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'InterPodAffinity', args: { hardPodAffinityWeight: 0 } }] }] },
  });
  assert.ok(Number.isNaN(scores(heavy, star, 'InterPodAffinity').a1), 'with weight 0 nothing scores, so the plugin skips');
});

test('hardPodAffinityWeight outside 0..100 is rejected', () => {
  assert.throws(
    () => cluster([], [], { config: { profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'InterPodAffinity', args: { hardPodAffinityWeight: 101 } }] }] } }),
    /hardPodAffinityWeight: Invalid value: 101: not in valid range \[0, 100\]/,
  );
});
