/** The catalog objects as `wharf catalog` reads them, and how an instance names its class and plan. */
import type { KubeObject } from '../../api/index.js';
import type {
  ClusterServiceBrokerSpec,
  ServiceBindingSpec,
  ServiceBindingStatus,
  ServiceBrokerStatus,
  ServiceInstanceSpec,
  ServiceInstanceStatus,
} from '../../api/resources/servicecatalog/index.js';

type Obj<Spec, Status = Record<string, unknown>> = KubeObject & { spec?: Spec; status?: Status };
export type BrokerObject = Obj<ClusterServiceBrokerSpec, ServiceBrokerStatus>;
export type InstanceObject = Obj<ServiceInstanceSpec, ServiceInstanceStatus>;
export type BindingObject = Obj<ServiceBindingSpec, ServiceBindingStatus>;
export type OfferingSpec = {
  externalName?: string;
  externalID?: string;
  description?: string;
  clusterServiceBrokerName?: string;
  serviceBrokerName?: string;
  clusterServiceClassRef?: { name?: string };
  serviceClassRef?: { name?: string };
  free?: boolean;
};
export type OfferingObject = Obj<OfferingSpec, { removedFromBrokerCatalog?: boolean }>;

/** The class a ServiceInstance names, however it names it. */
export function instanceClass(spec: ServiceInstanceSpec | undefined): string {
  const s = spec ?? {};
  return (
    s.clusterServiceClassExternalName ??
    s.serviceClassExternalName ??
    s.clusterServiceClassName ??
    s.serviceClassName ??
    s.clusterServiceClassExternalID ??
    s.serviceClassExternalID ??
    ''
  );
}

/** The plan a ServiceInstance names, however it names it. */
export function instancePlan(spec: ServiceInstanceSpec | undefined): string {
  const s = spec ?? {};
  return (
    s.clusterServicePlanExternalName ??
    s.servicePlanExternalName ??
    s.clusterServicePlanName ??
    s.servicePlanName ??
    s.clusterServicePlanExternalID ??
    s.servicePlanExternalID ??
    ''
  );
}
