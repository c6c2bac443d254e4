/** The REST addresses of the catalog kinds and the core kinds `wharf catalog` reads. */
import type { ResourceDescriptor } from '../../client/index.js';

const sc = (plural: string, kind: string, namespaced: boolean): ResourceDescriptor => ({
  group: 'servicecatalog.k8s.io',
  version: 'v1beta1',
  plural,
  kind,
  namespaced,
});

export const catalogResources = {
  clusterServiceBrokers: sc('clusterservicebrokers', 'ClusterServiceBroker', false),
  serviceBrokers: sc('servicebrokers', 'ServiceBroker', true),
  clusterServiceClasses: sc('clusterserviceclasses', 'ClusterServiceClass', false),
  serviceClasses: sc('serviceclasses', 'ServiceClass', true),
  clusterServicePlans: sc('clusterserviceplans', 'ClusterServicePlan', false),
  servicePlans: sc('serviceplans', 'ServicePlan', true),
  serviceInstances: sc('serviceinstances', 'ServiceInstance', true),
  serviceBindings: sc('servicebindings', 'ServiceBinding', true),
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true } as ResourceDescriptor,
} as const;

export const CATALOG_API_VERSION = 'servicecatalog.k8s.io/v1beta1';
