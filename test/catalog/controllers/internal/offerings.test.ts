import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/index.js';
import { Store, type Informer } from '../../../../src/client/index.js';
import { isResolveFailure, resolveOffering, type OfferingInformers } from '../../../../src/catalog/controllers/internal/offerings.js';

const v = 'servicecatalog.k8s.io/v1beta1';
function informer(objs: KubeObject[]): Informer {
  const store = new Store<KubeObject>();
  for (const o of objs) store.upsert(o);
  return { store } as unknown as Informer;
}

const cls = (name: string, externalName: string, removed = false): KubeObject => ({
  apiVersion: v,
  kind: 'ClusterServiceClass',
  metadata: { name },
  spec: { clusterServiceBrokerName: 'b', externalName, externalID: name },
  status: { removedFromBrokerCatalog: removed },
});
const plan = (name: string, externalName: string, classRef: string): KubeObject => ({
  apiVersion: v,
  kind: 'ClusterServicePlan',
  metadata: { name },
  spec: { clusterServiceBrokerName: 'b', externalName, externalID: name, clusterServiceClassRef: { name: classRef } },
});
const inst = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: v, kind: 'ServiceInstance', metadata: { name: 'db', namespace: 'default' }, spec });

const inf: OfferingInformers = {
  clusterServiceBrokers: informer([{ apiVersion: v, kind: 'ClusterServiceBroker', metadata: { name: 'b' }, spec: { url: 'http://b' } }]),
  serviceBrokers: informer([]),
  clusterServiceClasses: informer([cls('old-id', 'db', true), cls('c1', 'db'), cls('c2', 'cache')]),
  serviceClasses: informer([]),
  clusterServicePlans: informer([plan('p1', 'small', 'c1'), plan('p2', 'small', 'c2'), plan('p3', 'large', 'c1')]),
  servicePlans: informer([]),
};

test('resolveOffering() finds class and plan by external name, preferring what the broker still offers', () => {
  const o = resolveOffering(inst({ clusterServiceClassExternalName: 'db', clusterServicePlanExternalName: 'small' }), inf);
  assert.ok(!isResolveFailure(o));
  assert.deepEqual([o.cls.metadata.name, o.plan.metadata.name, o.serviceId, o.planId, o.brokerName, o.userClass, o.userPlan], [
    'c1',
    'p1',
    'c1',
    'p1',
    'b',
    'ClusterServiceClass/db',
    'ClusterServicePlan/small',
  ]);
  assert.equal(o.broker?.metadata.name, 'b');
});

test('resolveOffering() follows external ids, object names and the references already recorded', () => {
  const byId = resolveOffering(inst({ clusterServiceClassExternalID: 'c2', clusterServicePlanExternalID: 'p2' }), inf);
  assert.ok(!isResolveFailure(byId) && byId.plan.metadata.name === 'p2');
  const byName = resolveOffering(inst({ clusterServiceClassName: 'c1', clusterServicePlanName: 'p3' }), inf);
  assert.ok(!isResolveFailure(byName) && byName.plan.metadata.name === 'p3');
  const pinned = resolveOffering(inst({ clusterServiceClassExternalName: 'db', clusterServicePlanExternalName: 'small', clusterServiceClassRef: { name: 'old-id' } }), inf);
  assert.ok(isResolveFailure(pinned), 'a recorded class wins; it has no small plan');
  assert.equal(pinned.reason, 'ReferencesNonexistentServicePlan');
});

test('resolveOffering() says which class or plan is missing', () => {
  const noClass = resolveOffering(inst({ clusterServiceClassExternalName: 'queue', clusterServicePlanExternalName: 'small' }), inf);
  assert.ok(isResolveFailure(noClass));
  assert.equal(noClass.reason, 'ReferencesNonexistentServiceClass');
  assert.match(noClass.message, /ClusterServiceClass \(spec.externalName "queue"\)/);
  // A plan of another class does not count.
  const wrongClass = resolveOffering(inst({ clusterServiceClassName: 'c2', clusterServicePlanName: 'p1' }), inf);
  assert.ok(isResolveFailure(wrongClass) && wrongClass.reason === 'ReferencesNonexistentServicePlan');
});
