import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { node } from '../../../../src/api/resources/core/node.js';

function aNode(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1', labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': '' } },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '8388608Ki', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'worker-1' }],
      nodeInfo: { kubeletVersion: 'v1.30.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
    },
    ...extra,
  };
}

test('node allocatable defaults to capacity, canonicalized', () => {
  const n = aNode();
  node.strategy.default!(n);
  const status = n.status as Record<string, unknown>;
  assert.deepEqual(status.allocatable, { cpu: '4', memory: '8Gi', pods: '110' });
  assert.deepEqual(node.strategy.validate!(n), []);
});

test('node taints need a known effect and are unique by key and effect', () => {
  const n = aNode({ spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Never' }, { key: 'c' }] } });
  const errs = node.strategy.validate!(n);
  assert.deepEqual(errs.map((e) => [e.field, e.type]), [
    ['spec.taints[1]', 'FieldValueDuplicate'],
    ['spec.taints[2].effect', 'FieldValueNotSupported'],
    ['spec.taints[3].effect', 'FieldValueRequired'],
  ]);
});

test('podCIDRs and providerID may only be set once', () => {
  const old = aNode({ spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], providerID: 'wharf://a' } });
  const next = aNode({ spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'wharf://b' } });
  assert.deepEqual(node.strategy.validateUpdate!(next, old).map((e) => e.field), ['spec.podCIDRs', 'spec.providerID']);
  assert.deepEqual(node.strategy.validateUpdate!(old, aNode()), []);
});

test('node cells show status, roles, version and wide details', () => {
  const n = aNode();
  const cells = Object.fromEntries(node.printerColumns.map((c) => [c.name, c.cell(n, Date.now())]));
  assert.equal(cells.Status, 'Ready');
  assert.equal(cells.Roles, 'control-plane,worker');
  assert.equal(cells.Version, 'v1.30.0');
  assert.equal(cells['Internal-IP'], '192.168.1.10');
  assert.equal(cells['External-IP'], '<none>');
  assert.equal(cells['Container-Runtime'], 'containerd://1.7.0');
  (n.spec as Record<string, unknown>).unschedulable = true;
  (n.status as { conditions: unknown[] }).conditions = [{ type: 'Ready', status: 'Unknown' }];
  assert.equal(node.printerColumns[0].cell(n, Date.now()), 'NotReady,SchedulingDisabled');
  assert.equal(node.selectableFields['spec.unschedulable'](n), 'true');
  n.metadata.labels = {};
  (n.status as { conditions: unknown[] }).conditions = [];
  assert.equal(node.printerColumns[1].cell(n, Date.now()), '<none>');
  assert.equal(node.printerColumns[0].cell(n, Date.now()), 'Unknown,SchedulingDisabled');
});
