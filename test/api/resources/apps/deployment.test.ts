import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment } from '../../../../src/api/resources/apps/deployment.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

const defaulted = (spec?: Record<string, unknown>) => {
  const o = make(spec);
  deployment.strategy.default!(o);
  return o;
};
const fields = (errs: { field: string }[]) => errs.map((e) => e.field);

test('default() fills replicas, rolling update, history and deadline, and pod defaults', () => {
  const spec = defaulted().spec as Record<string, any>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(spec.template.spec.restartPolicy, 'Always');
});

test('default() leaves Recreate without rollingUpdate and keeps explicit values', () => {
  const spec = defaulted({ replicas: 0, strategy: { type: 'Recreate' } }).spec as Record<string, any>;
  assert.equal(spec.replicas, 0);
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
});

test('validate() accepts a defaulted deployment', () => {
  assert.deepEqual(deployment.strategy.validate!(defaulted()), []);
});

test('validate() reports a missing selector and the label mismatch, as Kubernetes does', () => {
  const errs = deployment.strategy.validate!(defaulted({ selector: undefined }));
  assert.deepEqual(fields(errs), ['spec.selector', 'spec.template.metadata.labels']);
  assert.equal(errs[0].type, 'FieldValueRequired');
  assert.equal(errs[1].detail, '`selector` does not match template `labels`');
});

test('validate() checks replicas, strategy and progress deadline', () => {
  const errs = deployment.strategy.validate!(
    defaulted({
      replicas: -1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } },
      minReadySeconds: 700,
    }),
  );
  assert.deepEqual(fields(errs), ['spec.replicas', 'spec.strategy.rollingUpdate.maxUnavailable', 'spec.progressDeadlineSeconds']);
  assert.equal(errs[1].detail, 'may not be 0 when `maxSurge` is 0');
  assert.equal(errs[2].detail, 'must be greater than minReadySeconds');
  const bad = deployment.strategy.validate!(defaulted({ strategy: { type: 'Blue' } }));
  assert.equal(bad[0].type, 'FieldValueNotSupported');
  const recreate = deployment.strategy.validate!(defaulted({ strategy: { type: 'Recreate', rollingUpdate: {} } }));
  assert.equal(recreate[0].field, 'spec.strategy.rollingUpdate');
  assert.equal(recreate[0].type, 'FieldValueForbidden');
});

test('validate() rejects an empty selector', () => {
  const errs = deployment.strategy.validate!(defaulted({ selector: {} }));
  assert.equal(errs[0].detail, 'empty selector is invalid for deployment');
});

test('validateUpdate() makes the selector immutable', () => {
  const old = defaulted();
  const next = defaulted({ selector: { matchLabels: { app: 'web', v: '2' } } });
  const errs = deployment.strategy.validateUpdate!(next, old);
  assert.deepEqual(fields(errs), ['spec.selector']);
  assert.equal(errs[0].detail, 'field is immutable');
  assert.deepEqual(deployment.strategy.validateUpdate!(defaulted({ replicas: 5 }), old), []);
});

test('printer columns show READY, UP-TO-DATE, AVAILABLE, AGE and wide cells', () => {
  const o = defaulted({ replicas: 3 });
  o.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  const now = Date.parse('2024-01-01T00:05:00Z');
  const cols = deployment.printerColumns;
  assert.deepEqual(
    cols.map((c) => c.name),
    ['Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector'],
  );
  assert.deepEqual(
    cols.map((c) => c.cell(o, now)),
    ['2/3', 3, 2, '5m', 'web', 'nginx:1', 'app=web'],
  );
  assert.deepEqual(cols.map((c) => c.priority), [0, 0, 0, 0, 1, 1, 1]);
});
