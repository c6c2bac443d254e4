import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/index.js';
import { daemonPod, daemonTolerations, nodeShouldRun, scaledValue, targetNode } from '../../../src/controllers/daemonset/daemon-pod.js';

const ds = (podSpec: object = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'kube-system', uid: 'u', generation: 3 },
  spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }], ...podSpec } } },
});
const node = (taints: object[] = [], labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels }, spec: { taints } });

test('nodeShouldRun() weighs taints: NoSchedule keeps running pods, NoExecute evicts them; daemon tolerations apply', () => {
  assert.deepEqual(nodeShouldRun(ds(), node()), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRun(ds(), node([{ key: 'x', effect: 'NoSchedule' }])), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRun(ds(), node([{ key: 'x', effect: 'NoExecute' }])), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(nodeShouldRun(ds(), node([{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }])).shouldRun, true);
  assert.deepEqual(nodeShouldRun(ds(), node([{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }])).shouldRun, false);
  assert.deepEqual(nodeShouldRun(ds({ hostNetwork: true }), node([{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }])).shouldRun, true);
  assert.deepEqual(nodeShouldRun(ds({ nodeSelector: { a: 'b' } }), node()), { shouldRun: false, shouldContinueRunning: false });
  assert.equal(daemonTolerations({ containers: [], tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }).length, 6, 'no duplicates');
});

test('daemonPod() targets its node through node affinity and carries the revision labels', () => {
  const pod = daemonPod(ds({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }] } } }), 'n7', 'h1');
  assert.equal(pod.metadata.generateName, 'agent-');
  assert.deepEqual(pod.metadata.labels, { app: 'agent', 'controller-revision-hash': 'h1', 'pod-template-generation': '3' });
  assert.equal(targetNode(pod), 'n7');
  const affinity = (pod.spec as { affinity: { nodeAffinity: Record<string, unknown> } }).affinity.nodeAffinity;
  assert.ok(affinity.preferredDuringSchedulingIgnoredDuringExecution, 'preferences kept');
  assert.equal(targetNode({ ...pod, spec: { nodeName: 'bound' } }), 'bound');
  assert.equal(scaledValue('25%', 10, 1), 3, 'rounds up');
  assert.equal(scaledValue(2, 10, 1), 2);
  assert.equal(scaledValue(undefined, 10, 1), 1);
});
