import type { KubeObject } from '../../../api/index.js';
import type { ServiceInstanceSpec } from '../../../api/resources/servicecatalog/index.js';
import type { Informer, Manager } from '../../../client/index.js';
import type { CatalogResources } from './catalog-resources.js';

/** The informers the instance and binding controllers read classes, plans and brokers from. */
export interface OfferingInformers {
  clusterServiceBrokers: Informer;
  serviceBrokers: Informer;
  clusterServiceClasses: Informer;
  serviceClasses: Informer;
  clusterServicePlans: Informer;
  servicePlans: Informer;
}

/** The shared informers of brokers, classes and plans of both scopes. */
export function offeringInformers(manager: Manager, r: CatalogResources): OfferingInformers {
  const inf = manager.informers;
  return {
    clusterServiceBrokers: inf.informerFor(r.clusterServiceBrokers),
    serviceBrokers: inf.informerFor(r.serviceBrokers),
    clusterServiceClasses: inf.informerFor(r.clusterServiceClasses),
    serviceClasses: inf.informerFor(r.serviceClasses),
    clusterServicePlans: inf.informerFor(r.clusterServicePlans),
    servicePlans: inf.informerFor(r.servicePlans),
  };
}

/** What an instance's spec resolves to. */
export interface Offering {
  cluster: boolean;
  cls: KubeObject;
  plan: KubeObject;
  broker: KubeObject | undefined;
  brokerName: string;
  serviceId: string;
  planId: string;
  /** `ClusterServiceClass/<as named>`, as the catalog printed it. */
  userClass: string;
  userPlan: string;
}

/** Why an instance's spec does not resolve, as a condition reason and message. */
export interface ResolveFailure {
  reason: string;
  message: string;
}

type Way = 'externalName' | 'externalID' | 'name';

function wayOf(spec: ServiceInstanceSpec): { cluster: boolean; way: Way; cls: string; plan: string } | undefined {
  const s = spec as Record<string, string | undefined>;
  for (const cluster of [true, false]) {
    const p = cluster ? 'clusterService' : 'service';
    for (const [way, suffix] of [['externalName', 'ExternalName'], ['externalID', 'ExternalID'], ['name', 'Name']] as const) {
      const cls = s[`${p}Class${suffix}`];
      if (cls) return { cluster, way, cls, plan: s[`${p}Plan${suffix}`] ?? '' };
    }
  }
  return undefined;
}

function specValue(obj: KubeObject, field: string): unknown {
  return (obj.spec as Record<string, unknown> | undefined)?.[field];
}

function removed(obj: KubeObject): boolean {
  return (obj.status as { removedFromBrokerCatalog?: boolean } | undefined)?.removedFromBrokerCatalog === true;
}

/** Prefers what the broker still offers when two objects match. */
function pick(matches: KubeObject[]): KubeObject | undefined {
  return matches.find((m) => !removed(m)) ?? matches[0];
}

/**
 * Finds the class, plan and broker an instance names. Once the controller has recorded the resolved class
 * (and plan) in the spec, those references win, so a renamed offering keeps its instances.
 */
export function resolveOffering(instance: KubeObject, inf: OfferingInformers): Offering | ResolveFailure {
  const spec = (instance.spec ?? {}) as ServiceInstanceSpec;
  const ns = instance.metadata.namespace;
  const w = wayOf(spec);
  if (!w) return { reason: 'ReferencesNonexistentServiceClass', message: 'The instance names no class' };
  const classes = w.cluster ? inf.clusterServiceClasses : inf.serviceClasses;
  const plans = w.cluster ? inf.clusterServicePlans : inf.servicePlans;
  const kindC = w.cluster ? 'ClusterServiceClass' : 'ServiceClass';
  const kindP = w.cluster ? 'ClusterServicePlan' : 'ServicePlan';
  const classNs = w.cluster ? undefined : ns;
  const inScope = (o: KubeObject): boolean => o.metadata.namespace === classNs;
  const classRef = (w.cluster ? spec.clusterServiceClassRef : spec.serviceClassRef)?.name;
  const planRef = (w.cluster ? spec.clusterServicePlanRef : spec.servicePlanRef)?.name;
  let cls: KubeObject | undefined;
  if (classRef) cls = classes.store.getByName(classNs, classRef);
  else if (w.way === 'name') cls = classes.store.getByName(classNs, w.cls);
  else cls = pick(classes.store.list().filter((c) => inScope(c) && specValue(c, w.way) === w.cls));
  const userClass = `${kindC}/${w.cls}`;
  const userPlan = `${kindP}/${w.plan}`;
  if (!cls) {
    return {
      reason: 'ReferencesNonexistentServiceClass',
      message: `The instance references a non-existent ${kindC} (${w.way === 'name' ? 'name' : `spec.${w.way}`} "${w.cls}")${classNs ? ` in namespace "${classNs}"` : ''}`,
    };
  }
  const classRefField = w.cluster ? 'clusterServiceClassRef' : 'serviceClassRef';
  const ofClass = (p: KubeObject): boolean => inScope(p) && (specValue(p, classRefField) as { name?: string } | undefined)?.name === cls.metadata.name;
  let plan: KubeObject | undefined;
  if (planRef) plan = plans.store.getByName(classNs, planRef);
  else if (w.way === 'name') plan = plans.store.getByName(classNs, w.plan);
  else plan = pick(plans.store.list().filter((p) => ofClass(p) && specValue(p, w.way) === w.plan));
  if (!plan || !ofClass(plan)) {
    return {
      reason: 'ReferencesNonexistentServicePlan',
      message: `The instance references a non-existent ${kindP} "${w.plan}" of ${kindC} "${String(specValue(cls, 'externalName'))}"`,
    };
  }
  const brokerField = w.cluster ? 'clusterServiceBrokerName' : 'serviceBrokerName';
  const brokerName = String(specValue(cls, brokerField) ?? '');
  const broker = (w.cluster ? inf.clusterServiceBrokers : inf.serviceBrokers).store.getByName(classNs, brokerName);
  return {
    cluster: w.cluster,
    cls,
    plan,
    broker,
    brokerName,
    serviceId: String(specValue(cls, 'externalID')),
    planId: String(specValue(plan, 'externalID')),
    userClass,
    userPlan,
  };
}

export function isResolveFailure(v: Offering | ResolveFailure): v is ResolveFailure {
  return 'reason' in v;
}
