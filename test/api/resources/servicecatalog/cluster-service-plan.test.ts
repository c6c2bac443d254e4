import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { clusterServicePlan } from '../../../../src/api/resources/servicecatalog/cluster-service-plan.js';
import { clusterServiceClass } from '../../../../src/api/resources/servicecatalog/cluster-service-class.js';
import { servicePlan } from '../../../../src/api/resources/servicecatalog/service-plan.js';

const plan = (spec: Record<string, unknown>, name = '8a0b3f4e-6c3e-4f6e-8f51-1d1f7a8c2b01'): KubeObject => ({
  apiVersion: 'servicecatalog.k8s.io/v1beta1',
  kind: 'ClusterServicePlan',
  metadata: { name },
  spec,
});

test('plans need a broker, external name and id, and their class; ids may be names that are not DNS names', () => {
  const ok = plan({ clusterServiceBrokerName: 'b', externalName: 'small', externalID: 'x', clusterServiceClassRef: { name: 'c' } }, 'Plan_ID.1');
  assert.deepEqual(clusterServicePlan.strategy.validate!(ok), []);
  assert.deepEqual(clusterServicePlan.strategy.validate!(plan({}, 'a/b')).map((e) => e.field), [
    'metadata.name',
    'spec.clusterServiceBrokerName',
    'spec.externalName',
    'spec.externalID',
    'spec.clusterServiceClassRef.name',
  ]);
  const changed = plan({ clusterServiceBrokerName: 'b', externalName: 'renamed', externalID: 'y', clusterServiceClassRef: { name: 'c' } });
  assert.deepEqual(clusterServicePlan.strategy.validateUpdate!(changed, ok).map((e) => e.field), ['spec.externalID']);
});

test('classes and plans print upstream columns and select by external name', () => {
  assert.deepEqual(clusterServicePlan.printerColumns.map((c) => c.name), ['External-Name', 'Broker', 'Class', 'Age']);
  assert.deepEqual(clusterServiceClass.printerColumns.map((c) => c.name), ['External-Name', 'Broker', 'Age']);
  assert.deepEqual(servicePlan.printerColumns.map((c) => c.name), ['External-Name', 'Broker', 'Class', 'Age']);
  const p = plan({ externalName: 'small', clusterServiceClassRef: { name: 'c' } });
  assert.equal(clusterServicePlan.selectableFields['spec.externalName']!(p), 'small');
  assert.equal(clusterServicePlan.selectableFields['spec.clusterServiceClassRef.name']!(p), 'c');
  assert.equal(servicePlan.namespaced, true);
});
