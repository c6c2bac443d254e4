/** The servicecatalog.k8s.io/v1beta1 kinds, in the order discovery lists them. */
import type { ResourceDefinition } from '../../resource.js';
import { clusterServiceBroker } from './cluster-service-broker.js';
import { clusterServiceClass } from './cluster-service-class.js';
import { clusterServicePlan } from './cluster-service-plan.js';
import { serviceBinding } from './service-binding.js';
import { serviceBroker } from './service-broker.js';
import { serviceClass } from './service-class.js';
import { serviceInstance } from './service-instance.js';
import { servicePlan } from './service-plan.js';

export const serviceCatalogResources: readonly ResourceDefinition[] = [
  clusterServiceBroker,
  serviceBroker,
  clusterServiceClass,
  serviceClass,
  clusterServicePlan,
  servicePlan,
  serviceInstance,
  serviceBinding,
];

export { abandonAnnotation, catalogFinalizer, defaultRelistDuration } from './catalog-validation.js';
export { matchesRestrictions, parseRestriction } from './catalog-restrictions.js';
export { parseGoDuration } from './go-duration.js';
export { recordUserInfo, type RequestingUser } from './user-info.js';
export { serviceCatalogGroup, serviceCatalogVersion } from './cluster-service-broker.js';
export type * from './types.js';
