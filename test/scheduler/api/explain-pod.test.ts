import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPod, explainPodRecord, startScheduler } from '../../../src/scheduler/api/index.js';
import { createNodes, eventually, getPod, nodeObject, podObject, podsResource, quiet, startApi } from './helpers.js';

test('explainPod() names the plugins that reject each node of a pending pod', async () => {
  const api = await startApi('explain');
  try {
    const tainted = nodeObject('tainted', 'a');
    (tainted.spec as Record<string, unknown>).taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }];
    const full = nodeObject('tiny', 'b', '100m');
    await createNodes(api.client, [tainted, full, nodeObject('other-zone', 'c')]);
    await api.client.create(podsResource, podObject('web', { cpu: '500m', spec: { nodeSelector: { 'topology.kubernetes.io/zone': 'b' } } }));
    const { record, text } = await explainPodRecord(api.client, 'default', 'web', 5);
    assert.equal(record.result, 'Unschedulable');
    assert.equal(record.numNodes, 3);
    const verdicts = new Map(record.filters!.map((f) => [f.node, f.plugins.filter((p) => p.code !== 'Success' && p.code !== 'Skip').map((p) => p.plugin).sort()]));
    assert.deepEqual(verdicts.get('tainted'), ['NodeAffinity', 'TaintToleration']);
    assert.deepEqual(verdicts.get('tiny'), ['NodeResourcesFit']);
    assert.deepEqual(verdicts.get('other-zone'), ['NodeAffinity']);
    assert.match(text, /^Pod: +default\/web$/m);
    assert.match(text, /^Dry run: unschedulable \(3 nodes, 0 pods; 0 feasible\)$/m);
    assert.match(text, /^Message: +0\/3 nodes are available: 1 Insufficient cpu, 1 node\(s\) didn't match Pod's node affinity\/selector, 1 node\(s\) had untolerated taint\(s\)\.$/m);
    assert.match(text, /^NODE +NodeUnschedulable .*TaintToleration/m);
    assert.match(text, /^tainted +pass +pass +FAIL! +FAIL! +pass +pass +- +- +-$/m);
    assert.match(text, /^  TaintToleration: node\(s\) had untolerated taint\(s\) \(1 node\(s\): tainted\)$/m);
    assert.match(text, /^  NodeAffinity: node\(s\) didn't match Pod's node affinity\/selector \(2 node\(s\): other-zone, tainted\)$/m);
    assert.match(text, /^  NodeResourcesFit: Insufficient cpu \(1 node\(s\): tiny\)$/m);
  } finally {
    await api.close();
  }
});

test('explainPod() of a placed pod scores the top N nodes, leaving the pod itself out of the snapshot', async () => {
  const api = await startApi('explain');
  const handle = await startScheduler({ client: api.client, logger: quiet });
  try {
    await createNodes(api.client, [nodeObject('n1', 'a'), nodeObject('n2', 'b'), nodeObject('n3', 'c', '8', '64Gi')]);
    await api.client.create(podsResource, podObject('web', { cpu: '1' }));
    await eventually(async () => Boolean((await getPod(api.client, 'web')).spec.nodeName), 5000, 'bound');
    const placedOn = (await getPod(api.client, 'web')).spec.nodeName!;
    const { record, state, text } = await explainPodRecord(api.client, 'default', 'web', 2);
    assert.equal(state.nodeName, placedOn);
    assert.equal(state.snapshotPods, 0);
    assert.equal(record.result, 'Scheduled');
    assert.equal(record.feasibleNodes, 3);
    assert.equal(record.scores.length, 2);
    assert.ok(record.scores[0]!.total >= record.scores[1]!.total);
    assert.match(text, new RegExp(`^Status: +Running|^Status: +Pending on node ${placedOn}$`, 'm'));
    assert.match(text, /^Where it would go now: fits, best node n\d \(3 nodes, 0 pods; 3 feasible\)$/m);
    assert.match(text, /^Scores \(top 2 of 3 feasible nodes/m);
    assert.match(text, /^NODE +TOTAL +.*NodeResourcesFit/m);
    assert.equal(text, await explainPod(api.client, 'default', 'web', 2));
  } finally {
    await handle.stop();
    await api.close();
  }
});

test('explainPod() rejects with 404 for a pod that does not exist', async () => {
  const api = await startApi('explain');
  try {
    await assert.rejects(explainPod(api.client, 'default', 'ghost'), /pods "ghost" not found/);
  } finally {
    await api.close();
  }
});
