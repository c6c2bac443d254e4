import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { serviceInstance } from '../../../../src/api/resources/servicecatalog/service-instance.js';

const make = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'servicecatalog.k8s.io/v1beta1',
  kind: 'ServiceInstance',
  metadata: { name: 'db', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});
const s = serviceInstance.strategy;
const byName = { clusterServiceClassExternalName: 'postgres', clusterServicePlanExternalName: 'small' };

test('an instance gets an external id, the Delete policy and updateRequests 0 by default', () => {
  const i = make({ ...byName });
  s.default!(i);
  const spec = i.spec as Record<string, unknown>;
  assert.match(String(spec.externalID), /^[0-9a-f-]{36}$/);
  assert.equal(spec.deletionPolicy, 'Delete');
  assert.equal(spec.updateRequests, 0);
  assert.deepEqual(s.validate!(i), []);
});

test('the class and plan are named exactly one way, the same way', () => {
  const fields = (spec: Record<string, unknown>) => {
    const i = make(spec);
    s.default!(i);
    return s.validate!(i).map((e) => `${e.field}: ${e.detail}`);
  };
  assert.deepEqual(fields({ clusterServiceClassName: 'c', clusterServicePlanName: 'p' }), []);
  assert.deepEqual(fields({ serviceClassExternalID: 'c', servicePlanExternalID: 'p' }), []);
  assert.equal(fields({}).length, 2);
  assert.deepEqual(fields({ clusterServiceClassExternalName: 'c', servicePlanExternalName: 'p' }), [
    'spec.servicePlanExternalName: the plan must be named the same way as the class (clusterServicePlanExternalName)',
  ]);
  assert.equal(fields({ ...byName, clusterServiceClassName: 'x', clusterServicePlanName: 'y' }).length, 2);
});

test('parameters must be an object, parametersFrom names Secret keys, deletionPolicy is Delete or Orphan', () => {
  const i = make({ ...byName, parameters: [1], parametersFrom: [{}, { secretKeyRef: { name: 'Bad_Name', key: '' } }], deletionPolicy: 'Keep' });
  s.default!(i);
  assert.deepEqual(
    s.validate!(i).map((e) => [e.field, e.type]),
    [
      ['spec.parameters', 'FieldValueInvalid'],
      ['spec.parametersFrom[0].secretKeyRef', 'FieldValueRequired'],
      ['spec.parametersFrom[1].secretKeyRef.name', 'FieldValueInvalid'],
      ['spec.parametersFrom[1].secretKeyRef.key', 'FieldValueRequired'],
      ['spec.deletionPolicy', 'FieldValueNotSupported'],
    ],
  );
});

test('updates keep the external id and class, forbid lowering updateRequests, and re-resolve a changed plan', () => {
  const old = make({ ...byName, externalID: 'id-1', updateRequests: 2, clusterServiceClassRef: { name: 'c1' }, clusterServicePlanRef: { name: 'p1' } });
  const next = make({ ...byName, clusterServicePlanExternalName: 'large', updateRequests: 1, clusterServiceClassRef: { name: 'c1' }, clusterServicePlanRef: { name: 'p1' } });
  s.prepare!(next, { old });
  s.default!(next);
  const spec = next.spec as Record<string, unknown>;
  assert.equal(spec.externalID, 'id-1');
  assert.equal(spec.clusterServicePlanRef, undefined);
  assert.deepEqual(spec.clusterServiceClassRef, { name: 'c1' });
  assert.deepEqual(s.validateUpdate!(next, old).map((e) => e.field), ['spec.updateRequests']);
  const otherClass = make({ ...byName, clusterServiceClassExternalName: 'mysql', externalID: 'id-1', updateRequests: 2 });
  assert.deepEqual(s.validateUpdate!(otherClass, old).map((e) => e.field), ['spec.clusterServiceClassExternalName', 'spec.clusterServiceClassRef']);
});

test('instances print CLASS, PLAN, STATUS and AGE from status', () => {
  const i = { ...make(byName), status: { userSpecifiedClassName: 'ClusterServiceClass/postgres', userSpecifiedPlanName: 'ClusterServicePlan/small', lastConditionState: 'Ready' } };
  assert.deepEqual(
    serviceInstance.printerColumns.map((c) => [c.name, c.cell(i, Date.parse('2024-01-01T00:00:05Z'))]),
    [
      ['Class', 'ClusterServiceClass/postgres'],
      ['Plan', 'ClusterServicePlan/small'],
      ['Status', 'Ready'],
      ['Age', '5s'],
    ],
  );
  assert.equal(serviceInstance.printerColumns[2].cell(make(byName), 0), null);
});
