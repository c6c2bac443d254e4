import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statefulSet } from '../../../../src/api/resources/apps/stateful-set.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(spec: Record<string, unknown> = {}, name = 'db'): KubeObject {
  const o: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
  statefulSet.strategy.default!(o);
  return o;
}

test('default() fills policy, update strategy, retention policy, replicas, history and claim defaults', () => {
  const spec = make().spec as Record<string, any>;
  assert.equal(spec.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(spec.replicas, 1);
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
  assert.equal(spec.volumeClaimTemplates[0].status.phase, 'Pending');
});

test('default() does not add rollingUpdate to OnDelete', () => {
  const spec = make({ updateStrategy: { type: 'OnDelete' } }).spec as Record<string, any>;
  assert.deepEqual(spec.updateStrategy, { type: 'OnDelete' });
});

test('validate() accepts a valid statefulset and needs a DNS label name', () => {
  assert.deepEqual(statefulSet.strategy.validate!(make()), []);
  const errs = statefulSet.strategy.validate!(make({}, 'db.v1'));
  assert.equal(errs[0].field, 'metadata.name');
});

test('validate() checks policies and partition', () => {
  const errs = statefulSet.strategy.validate!(
    make({ podManagementPolicy: 'Random', updateStrategy: { type: 'OnDelete', rollingUpdate: { partition: 1 } } }),
  );
  assert.deepEqual(
    errs.map((e) => [e.field, e.detail]),
    [
      ['spec.podManagementPolicy', "must be 'OrderedReady' or 'Parallel'"],
      ['spec.updateStrategy.rollingUpdate', "only allowed for updateStrategy 'RollingUpdate'"],
    ],
  );
  const neg = statefulSet.strategy.validate!(make({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }));
  assert.equal(neg[0].field, 'spec.updateStrategy.rollingUpdate.partition');
});

test('validateUpdate() allows only replicas, ordinals, template, updateStrategy, retention policy and minReadySeconds', () => {
  const old = make();
  assert.deepEqual(statefulSet.strategy.validateUpdate!(make({ replicas: 3, minReadySeconds: 5 }), old), []);
  const errs = statefulSet.strategy.validateUpdate!(make({ serviceName: 'other' }), old);
  assert.equal(errs.length, 1);
  assert.equal(errs[0].field, 'spec');
  assert.equal(errs[0].type, 'FieldValueForbidden');
  assert.match(errs[0].detail, /^updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template'/);
});

test('printer columns show READY and AGE', () => {
  const o = make({ replicas: 3 });
  o.status = { readyReplicas: 1 };
  assert.deepEqual(
    statefulSet.printerColumns.map((c) => [c.name, c.priority, c.cell(o, Date.parse('2024-01-02T00:00:00Z'))]),
    [
      ['Ready', 0, '1/3'],
      ['Age', 0, '24h'],
      ['Containers', 1, 'db'],
      ['Images', 1, 'postgres'],
    ],
  );
});

test('validate() lets volume mounts name a claim template, and still refuses a mount of nothing', () => {
  const mounted = (name: string) => ({
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres', volumeMounts: [{ name, mountPath: '/data' }] }] } },
  });
  assert.deepEqual(statefulSet.strategy.validate!(make(mounted('data'))), []);
  const errs = statefulSet.strategy.validate!(make(mounted('nowhere')));
  assert.deepEqual(
    errs.map((e) => [e.type, e.field]),
    [['FieldValueNotFound', 'spec.template.spec.containers[0].volumeMounts[0].name']],
  );
});
