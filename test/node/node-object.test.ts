import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNode, nodeIdentity, nodeStatus, nodeStatusDiffers, type NodeConfig } from '../../src/node/node-object.js';

const cfg: NodeConfig = {
  name: 'n1', cpu: '4000m', memory: '32768Mi', pods: 110, ephemeralStorage: '100Gi', arch: 'arm64', zone: 'z', labels: { 'kubernetes.io/os': 'linux', extra: 'x' },
  taints: [], podCIDR: '10.128.0.0/24', internalIP: '172.16.0.1', runtimeVersion: 'wharf-simulated://0.1.0', osImage: 'test',
};

test('buildNode() carries the well-known labels, the pod CIDR and canonical capacity', () => {
  const n = buildNode(cfg, nodeIdentity('n1'));
  assert.equal(n.metadata.labels?.['kubernetes.io/arch'], 'arm64');
  assert.equal(n.metadata.labels?.['topology.kubernetes.io/zone'], 'z');
  assert.equal(n.metadata.labels?.['topology.kubernetes.io/region'], undefined);
  assert.equal(n.metadata.labels?.extra, 'x');
  assert.deepEqual(n.spec, { podCIDR: '10.128.0.0/24', podCIDRs: ['10.128.0.0/24'] });
  assert.deepEqual((n.status as { capacity: unknown }).capacity, { cpu: '4', 'ephemeral-storage': '100Gi', memory: '32Gi', pods: '110' });
});

test('nodeIdentity() is stable per name apart from the boot ID', () => {
  const a = nodeIdentity('n1');
  const b = nodeIdentity('n1');
  assert.equal(a.machineID, b.machineID);
  assert.equal(a.systemUUID, b.systemUUID);
  assert.match(a.systemUUID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(a.bootID, b.bootID);
});

test('nodeStatusDiffers() ignores heartbeats but not a condition someone else changed', () => {
  const id = nodeIdentity('n1');
  const node = buildNode(cfg, id, Date.parse('2025-01-01T00:00:00Z'));
  const conditions = (node.status as { conditions: { type: string; status: string; lastTransitionTime: string }[] }).conditions;
  const later = nodeStatus(cfg, id, conditions as never, Date.parse('2025-01-01T00:05:00Z'));
  assert.equal(nodeStatusDiffers(node, later), false);
  assert.equal((later.conditions as { lastTransitionTime: string }[])[3].lastTransitionTime, '2025-01-01T00:00:00Z', 'transition kept');
  conditions[3].status = 'Unknown';
  assert.equal(nodeStatusDiffers(node, later), true);
});

test('nodeStatus() reports memory and disk pressure in kubelet words, and a pressured node still differs from a healthy one', () => {
  const id = nodeIdentity('n1');
  const at = Date.parse('2025-01-01T00:00:00Z');
  const healthy = nodeStatus(cfg, id, [], at);
  const short = nodeStatus(cfg, id, healthy.conditions as never, at + 60_000, { memory: true, disk: true });
  const byType = new Map((short.conditions as { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[]).map((c) => [c.type, c]));
  assert.deepEqual([byType.get('MemoryPressure')?.status, byType.get('MemoryPressure')?.reason, byType.get('MemoryPressure')?.message], ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available']);
  assert.deepEqual([byType.get('DiskPressure')?.status, byType.get('DiskPressure')?.reason, byType.get('DiskPressure')?.message], ['True', 'KubeletHasDiskPressure', 'kubelet has disk pressure']);
  assert.equal(byType.get('DiskPressure')?.lastTransitionTime, '2025-01-01T00:01:00Z', 'a new transition');
  assert.deepEqual([byType.get('PIDPressure')?.status, byType.get('Ready')?.status], ['False', 'True']);
  assert.equal(nodeStatusDiffers({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: healthy }, short), true);
});
