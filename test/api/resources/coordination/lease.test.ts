import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lease } from '../../../../src/api/resources/coordination/lease.js';
import type { KubeObject } from '../../../../src/api/object.js';

const make = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

test('validate() accepts a node lease and rejects bad durations and transitions', () => {
  assert.deepEqual(lease.strategy.validate!(make({ holderIdentity: 'node-1', leaseDurationSeconds: 40 })), []);
  const errs = lease.strategy.validate!(make({ leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: 'x' }));
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['spec.leaseDurationSeconds', 'must be greater than 0'],
      ['spec.leaseTransitions', 'must be greater than or equal to 0'],
      ['spec.preferredHolder', 'may only be specified if `strategy` is defined'],
    ],
  );
});

test('leases keep no generation and print HOLDER and AGE', () => {
  assert.equal(lease.generation, false);
  const o = make({ holderIdentity: 'node-1' });
  assert.deepEqual(lease.printerColumns.map((c) => [c.name, c.cell(o, Date.parse('2024-01-01T00:00:10Z'))]), [
    ['Holder', 'node-1'],
    ['Age', '10s'],
  ]);
  assert.equal(lease.printerColumns[0].cell(make({}), 0), '');
});
