import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replicaSet } from '../../../../src/api/resources/apps/replica-set.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(spec: Record<string, unknown> = {}): KubeObject {
  const o: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
      ...spec,
    },
  };
  replicaSet.strategy.default!(o);
  return o;
}

test('default() sets replicas to 1', () => {
  assert.equal((make().spec as Record<string, unknown>).replicas, 1);
});

test('validate() accepts a valid replica set and rejects negative replicas and bad templates', () => {
  assert.deepEqual(replicaSet.strategy.validate!(make()), []);
  const errs = replicaSet.strategy.validate!(
    make({ replicas: -2, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Never' } } }),
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    ['spec.replicas', 'spec.template.metadata.labels', 'spec.template.spec.restartPolicy'],
  );
});

test('validateUpdate() makes the selector immutable', () => {
  const errs = replicaSet.strategy.validateUpdate!(make({ selector: { matchLabels: { app: 'x' } } }), make());
  assert.equal(errs[0].field, 'spec.selector');
});

test('printer columns and the status.replicas field selector', () => {
  const o = make({ replicas: 3 });
  o.status = { replicas: 2, readyReplicas: 1 };
  const now = Date.parse('2024-01-01T01:00:00Z');
  assert.deepEqual(
    replicaSet.printerColumns.map((c) => [c.name, c.cell(o, now)]),
    [
      ['Desired', 3],
      ['Current', 2],
      ['Ready', 1],
      ['Age', '60m'],
      ['Containers', 'web'],
      ['Images', 'nginx'],
      ['Selector', 'app=web'],
    ],
  );
  assert.equal(replicaSet.selectableFields['status.replicas'](o), '2');
  assert.equal(replicaSet.selectableFields['status.replicas'](make()), '0');
});
