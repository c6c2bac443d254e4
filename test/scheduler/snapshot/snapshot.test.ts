import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot } from '../../../src/scheduler/snapshot/snapshot.js';
import { node, pod, ZONE } from '../fixtures.js';

test('assume() counts the pod on its node at once; forget() undoes it', () => {
  const s = new Snapshot();
  s.addNode(node('n1'));
  const assumed = s.assume(pod('p', { cpu: '500m', hostPorts: [8080] }), 'n1');
  assert.equal(assumed.spec!.nodeName, 'n1');
  const ni = s.node('n1')!;
  assert.equal(ni.requested.milliCPU, 500);
  assert.equal(ni.nonZeroMemory, 200 * 1024 * 1024);
  assert.ok(ni.usedPorts.conflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }));
  s.forget('default-p');
  assert.equal(ni.requested.milliCPU, 0);
  assert.equal(ni.pods.length, 0);
  assert.equal(ni.usedPorts.size, 0);
});

test('counters keep per-domain counts across pod and node changes', () => {
  const s = new Snapshot();
  s.addNode(node('a', { labels: { [ZONE]: 'z1' } }));
  s.addNode(node('b', { labels: { [ZONE]: 'z2' } }));
  s.addPod(pod('x', { nodeName: 'a', labels: { app: 'web' } }));
  const c = s.counter('web', (p) => p.labels.app === 'web');
  const zones = () => Object.fromEntries(c.domainCounts(ZONE, s.nodes()));
  assert.deepEqual(zones(), { z1: 1 });
  s.addPod(pod('y', { nodeName: 'b', labels: { app: 'web' } }));
  s.addPod(pod('z', { nodeName: 'b', labels: { app: 'db' } }));
  assert.deepEqual(zones(), { z1: 1, z2: 1 });
  s.updateNode(node('a', { labels: { [ZONE]: 'z2' } }));
  assert.deepEqual(zones(), { z2: 2 });
  s.removePod('default-y');
  assert.deepEqual(zones(), { z2: 1 });
  assert.equal(c.total, 1);
});

test('a counter with a label hint sees only pods carrying that label and counts as one without', () => {
  const s = new Snapshot();
  s.addNode(node('a', { labels: { [ZONE]: 'z1' } }));
  s.addNode(node('b', { labels: { [ZONE]: 'z2' } }));
  s.addPod(pod('x', { nodeName: 'a', labels: { app: 'web', tier: 'front' } }));
  const matches = (p: { namespace: string; labels: Readonly<Record<string, string>> }) => p.namespace === 'default' && p.labels.app === 'web';
  const hinted = s.counter('hinted', matches, { namespace: 'default', label: ['app', 'web'] });
  const plain = s.counter('plain', matches);
  const counts = () => [hinted, plain].map((c) => JSON.stringify(Object.fromEntries(c.domainCounts(ZONE, s.nodes()))));
  s.addPod(pod('y', { nodeName: 'b', labels: { app: 'web' } }));
  s.addPod(pod('z', { nodeName: 'b', labels: { app: 'db' } }));
  s.assume(pod('w', { labels: { app: 'web' } }), 'b');
  assert.deepEqual(counts(), ['{"z1":1,"z2":2}', '{"z1":1,"z2":2}']);
  // Relabelled away from the hint, removed, forgotten: both counters follow.
  s.updatePod(pod('y', { nodeName: 'b', labels: { app: 'db' } }));
  s.removePod('default-x');
  s.forget('default-w');
  assert.deepEqual(counts(), ['{}', '{}']);
  assert.equal(hinted.total, 0);
});

test('a new hinted counter asks its predicate only about the pods its hint allows', () => {
  const s = new Snapshot();
  s.addNode(node('a', { labels: { [ZONE]: 'z1' } }));
  for (let i = 0; i < 20; i++) s.addPod(pod(`other-${i}`, { nodeName: 'a', labels: { app: `app-${i}` } }));
  s.addPod(pod('web-1', { nodeName: 'a', labels: { app: 'web' } }));
  s.addPod(pod('web-2', { nodeName: 'a', labels: { app: 'web', tier: 'back' } }));
  const asked: string[] = [];
  const c = s.counter('web-front', (p) => {
    asked.push(p.name);
    return p.labels.app === 'web' && p.labels.tier !== 'back';
  }, { namespace: 'default', label: ['app', 'web'] });
  assert.deepEqual(asked.sort(), ['web-1', 'web-2']);
  assert.equal(c.total, 1);
});

test('pods of a removed node stop counting and come back with the node', () => {
  const s = new Snapshot();
  s.addNode(node('a'));
  s.addPod(pod('x', { nodeName: 'a', cpu: '1' }));
  s.removeNode('a');
  assert.equal(s.numNodes, 0);
  s.addNode(node('a'));
  assert.equal(s.node('a')!.requested.milliCPU, 1000);
});

test('nodes() interleaves zones so a partial scan sees every zone', () => {
  const s = new Snapshot();
  for (const n of ['a1', 'a2', 'a3', 'b1', 'c1', 'c2']) s.addNode(node(n, { labels: { [ZONE]: n[0]! } }));
  assert.deepEqual(s.nodes().map((n) => n.name), ['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
});

test('existing pods\' terms are grouped per identical term with per-domain counts', () => {
  const s = new Snapshot();
  s.addNode(node('a', { labels: { [ZONE]: 'z1' } }));
  s.addNode(node('b', { labels: { [ZONE]: 'z1' } }));
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'w' } }, topologyKey: ZONE }] } };
  s.addPod(pod('x', { nodeName: 'a', affinity: anti }));
  s.addPod(pod('y', { nodeName: 'b', affinity: anti }));
  const groups = [...s.terms.groups.requiredAntiAffinity.values()];
  assert.equal(groups.length, 1);
  assert.deepEqual(Object.fromEntries(groups[0]!.counts), { z1: 2 });
  s.removePod('default-x');
  s.removePod('default-y');
  assert.equal(s.terms.groups.requiredAntiAffinity.size, 0);
});
