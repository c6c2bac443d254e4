import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { VolumeBindingDecision } from '../../../src/scheduler/index.js';
import { cluster, node, pod, verdicts, ZONE } from '../fixtures.js';

const nodes = () => [node('a', { labels: { [ZONE]: 'a' } }), node('b', { labels: { [ZONE]: 'b' } })];
const withClaim = (name: string, claim: string) => pod(name, { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } });
const zonalPV = (name: string, zone: string, extra: Partial<NonNullable<PersistentVolume['spec']>> = {}): PersistentVolume => ({
  metadata: { name },
  spec: {
    capacity: { storage: '10Gi' },
    accessModes: ['ReadWriteOnce'],
    storageClassName: 'local',
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: [zone] }] }] } },
    ...extra,
  },
  status: { phase: 'Available' },
});

test('a missing claim is unresolvable; a bound claim\'s PV node affinity filters nodes', () => {
  const s = cluster(nodes());
  assert.equal(verdicts(s, withClaim('p', 'nope')).a, 'VolumeBinding: persistentvolumeclaim "nope" not found');
  s.setObject('PersistentVolume', zonalPV('pv-a', 'a'));
  s.setObject('PersistentVolumeClaim', { metadata: { name: 'data', namespace: 'default' }, spec: { volumeName: 'pv-a' } });
  assert.deepEqual(verdicts(s, withClaim('p', 'data')), { a: '', b: "VolumeBinding: node(s) didn't match PersistentVolume's node affinity" });
});

test('unbound claims of an Immediate class are not scheduled', () => {
  const s = cluster(nodes());
  s.setObject('StorageClass', { metadata: { name: 'fast' }, provisioner: 'x' });
  s.setObject('PersistentVolumeClaim', { metadata: { name: 'c', namespace: 'default' }, spec: { storageClassName: 'fast' } });
  assert.equal(verdicts(s, withClaim('p', 'c')).a, 'VolumeBinding: pod has unbound immediate PersistentVolumeClaims');
});

test('WaitForFirstConsumer: a matching available PV or a provisioner allowed on the node; Reserve records the node', async () => {
  const decisions: [string, VolumeBindingDecision][] = [];
  const s = cluster(nodes(), [], { bindVolumes: async (_p, n, d) => void decisions.push([n, d]) });
  s.setObject('StorageClass', { metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' });
  s.setObject('PersistentVolume', zonalPV('pv-b', 'b'));
  s.setObject('PersistentVolumeClaim', {
    metadata: { name: 'c', namespace: 'default' },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
  });
  assert.deepEqual(verdicts(s, withClaim('p', 'c')), { a: "VolumeBinding: node(s) didn't find available persistent volumes to bind", b: '' });
  s.addPod(withClaim('p', 'c'));
  s.drain();
  await s.waitForBindings();
  assert.equal(s.bindings.get('default-p'), 'b');
  assert.equal(decisions[0]![0], 'b');
  assert.equal(decisions[0]![1].selectedNode, 'b');
  assert.deepEqual([...decisions[0]![1].staticBindings], [['default/c', 'pv-b']]);
  // The PV is now held for that claim: another claim cannot take it.
  s.setObject('PersistentVolumeClaim', {
    metadata: { name: 'd', namespace: 'default' },
    spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
  });
  assert.equal(verdicts(s, withClaim('q', 'd')).b, "VolumeBinding: node(s) didn't find available persistent volumes to bind");
  // A dynamic provisioner limited to zone a.
  s.setObject('StorageClass', {
    metadata: { name: 'dyn' },
    provisioner: 'csi.example.com',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowedTopologies: [{ matchLabelExpressions: [{ key: ZONE, values: ['a'] }] }],
  });
  s.setObject('PersistentVolumeClaim', { metadata: { name: 'e', namespace: 'default' }, spec: { storageClassName: 'dyn' } });
  assert.deepEqual(verdicts(s, withClaim('r', 'e')), { a: '', b: "VolumeBinding: node(s) didn't find available persistent volumes to bind" });
});
