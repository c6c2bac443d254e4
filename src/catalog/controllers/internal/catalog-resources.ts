import type { Manager, ResourceDescriptor } from '../../../client/index.js';
import { serviceCatalogGroup as group, serviceCatalogVersion as version } from '../../../api/resources/servicecatalog/index.js';

/** Descriptors of the catalog kinds and the core kinds the controllers touch. */
export interface CatalogResources {
  clusterServiceBrokers: ResourceDescriptor;
  serviceBrokers: ResourceDescriptor;
  clusterServiceClasses: ResourceDescriptor;
  serviceClasses: ResourceDescriptor;
  clusterServicePlans: ResourceDescriptor;
  servicePlans: ResourceDescriptor;
  serviceInstances: ResourceDescriptor;
  serviceBindings: ResourceDescriptor;
  secrets: ResourceDescriptor;
  namespaces: ResourceDescriptor;
}

export function catalogResources(manager: Manager): CatalogResources {
  const r = (plural: string): ResourceDescriptor => manager.resource(group, version, plural);
  return {
    clusterServiceBrokers: r('clusterservicebrokers'),
    serviceBrokers: r('servicebrokers'),
    clusterServiceClasses: r('clusterserviceclasses'),
    serviceClasses: r('serviceclasses'),
    clusterServicePlans: r('clusterserviceplans'),
    servicePlans: r('serviceplans'),
    serviceInstances: r('serviceinstances'),
    serviceBindings: r('servicebindings'),
    secrets: manager.resource('', 'v1', 'secrets'),
    namespaces: manager.resource('', 'v1', 'namespaces'),
  };
}
