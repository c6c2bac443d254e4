import { deepEqual, isAlreadyExists, isNotFound, type KubeObject } from '../../../api/index.js';
import {
  defaultRelistDuration,
  matchesRestrictions,
  parseGoDuration,
  type CatalogRestrictions,
  type ClusterServiceBrokerSpec,
  type ServiceBrokerStatus,
} from '../../../api/resources/servicecatalog/index.js';
import { rfc3339 } from '../../../api/rfc3339.js';
import type { ApiClient, EventRecorder, Informer, ReconcileResult, Reconciler, ResourceDescriptor } from '../../../client/index.js';
import type { Catalog, Plan, Service } from '../../osb/index.js';
import { BrokerConfigError, brokerClient } from '../internal/broker-client.js';
import type { CatalogResources } from '../internal/catalog-resources.js';
import { retryDelayMs, type ResolvedCatalogSettings } from '../internal/catalog-settings.js';
import { clearFailure, msUntil, recordFailure, retryingIn, setCondition } from '../internal/conditions.js';
import { bindingRotatableAnnotation, maintenanceInfoAnnotation, withAnnotations } from '../../wharf-annotations.js';

/** Where one scope (cluster or namespace) keeps its brokers, classes and plans. */
export interface BrokerScope {
  brokers: ResourceDescriptor;
  classes: ResourceDescriptor;
  plans: ResourceDescriptor;
  brokerKind: string;
  classKind: string;
  planKind: string;
  /** `clusterServiceBrokerName` or `serviceBrokerName`. */
  brokerField: string;
  /** `clusterServiceClassRef` or `serviceClassRef`. */
  classRefField: string;
  /** The class property plans' restrictions use: `spec.clusterServiceClass.name` or `spec.serviceClass.name`. */
  classProperty: string;
}

export interface BrokerReconcilerDeps {
  client: ApiClient;
  resources: CatalogResources;
  scope: BrokerScope;
  brokers: Informer;
  classes: Informer;
  plans: Informer;
  recorder: EventRecorder;
  settings: ResolvedCatalogSettings;
}

const apiVersion = 'servicecatalog.k8s.io/v1beta1';

function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** A class spec from an OSB service, with the fields the catalog always set. */
function classSpec(service: Service, brokerField: string, brokerName: string): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    [brokerField]: brokerName,
    externalName: service.name,
    externalID: service.id,
    description: service.description,
    bindable: service.bindable,
    bindingRetrievable: service.bindings_retrievable ?? false,
    planUpdatable: service.plan_updateable ?? false,
  };
  if (service.metadata) spec.externalMetadata = service.metadata;
  if (service.tags?.length) spec.tags = service.tags;
  if (service.requires?.length) spec.requires = service.requires;
  return spec;
}

/** What v1beta1 plans have no field for, kept in annotations: binding_rotatable and maintenance_info. */
function planAnnotations(plan: Plan): Record<string, string | undefined> {
  return {
    [bindingRotatableAnnotation]: plan.binding_rotatable ? 'true' : undefined,
    [maintenanceInfoAnnotation]: plan.maintenance_info ? JSON.stringify(plan.maintenance_info) : undefined,
  };
}

function planSpec(service: Service, plan: Plan, scope: BrokerScope, brokerName: string): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    [scope.brokerField]: brokerName,
    externalName: plan.name,
    externalID: plan.id,
    description: plan.description,
    free: plan.free ?? true,
    [scope.classRefField]: { name: service.id },
  };
  if (plan.bindable !== undefined) spec.bindable = plan.bindable;
  if (plan.metadata) spec.externalMetadata = plan.metadata;
  const schemas = plan.schemas;
  if (schemas?.service_instance?.create?.parameters) spec.instanceCreateParameterSchema = schemas.service_instance.create.parameters;
  if (schemas?.service_instance?.update?.parameters) spec.instanceUpdateParameterSchema = schemas.service_instance.update.parameters;
  if (schemas?.service_binding?.create?.parameters) spec.serviceBindingCreateParameterSchema = schemas.service_binding.create.parameters;
  if (typeof plan.maximum_polling_duration === 'number') spec.maximumPollingDuration = plan.maximum_polling_duration;
  return spec;
}

/**
 * Brokers of one scope: fetch the catalog when the spec changed, when relistDuration has passed, or when
 * a failed fetch is due again; mirror it into classes and plans (marking the ones the broker dropped); and
 * show every failure in status and events with the time of the next attempt.
 */
export class BrokerReconciler implements Reconciler {
  constructor(private readonly deps: BrokerReconcilerDeps) {}

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const broker = this.deps.brokers.store.get(key);
    if (!broker) return this.removeOfferings(namespace, name);
    if (broker.metadata.deletionTimestamp) return;
    const spec = broker.spec as ClusterServiceBrokerSpec;
    const status = (broker.status ?? {}) as ServiceBrokerStatus;
    const generation = broker.metadata.generation ?? 0;
    const now = Date.now();
    const relistMs = parseGoDuration(spec.relistDuration ?? defaultRelistDuration) ?? 15 * 60_000;
    if (status.reconciledGeneration === generation) {
      if (status.lastError) {
        const wait = msUntil(status.nextRetryTime, now);
        if (wait > 0) return { requeueAfterMs: wait };
      } else if (status.lastCatalogRetrievalTime) {
        if (spec.relistBehavior === 'Manual') return;
        const wait = msUntil(rfc3339(Date.parse(status.lastCatalogRetrievalTime) + relistMs), now);
        if (wait > 0) return { requeueAfterMs: wait };
      }
    }
    return this.relist(broker, relistMs);
  }

  private async relist(broker: KubeObject, relistMs: number): Promise<ReconcileResult> {
    const { client, resources, recorder, settings } = this.deps;
    const spec = broker.spec as ClusterServiceBrokerSpec;
    const status = structuredClone((broker.status ?? {}) as ServiceBrokerStatus);
    const generation = broker.metadata.generation ?? 0;
    status.reconciledGeneration = generation;
    let catalog: Catalog | undefined;
    let failure: { reason: string; message: string } | undefined;
    try {
      const osb = await brokerClient(client, resources, broker, settings.requestTimeoutMs);
      try {
        const result = await osb.getCatalog();
        if (result.kind === 'done') catalog = result.catalog;
        else failure = { reason: 'ErrorFetchingCatalog', message: `Error fetching catalog from broker "${broker.metadata.name}" at ${spec.url}: ${result.description}` };
      } finally {
        osb.close();
      }
    } catch (e) {
      if (!(e instanceof BrokerConfigError)) throw e;
      failure = { reason: e.reason, message: e.message };
    }
    if (catalog) {
      try {
        await this.syncOfferings(broker, catalog);
      } catch (e) {
        failure = { reason: 'ErrorSyncingCatalog', message: `Error syncing catalog from broker "${broker.metadata.name}": ${(e as Error).message}` };
      }
    }
    if (failure) {
      const wait = retryDelayMs(settings, (status.retries ?? 0) + 1);
      const delay = recordFailure(status, failure.reason, `${failure.message}${retryingIn(wait)}`, wait);
      setCondition(status, 'Ready', 'False', failure.reason, status.lastError!.message, generation);
      // The event leaves out the changing wait, so repeats of one failure add up in one event.
      recorder.event(broker, 'Warning', failure.reason, failure.message);
      await this.writeStatus(broker, status);
      return { requeueAfterMs: delay };
    }
    clearFailure(status);
    status.lastCatalogRetrievalTime = rfc3339(Date.now());
    status.observedGeneration = generation;
    status.observedRelistRequests = spec.relistRequests ?? 0;
    setCondition(status, 'Ready', 'True', 'FetchedCatalog', 'Successfully fetched catalog entries from broker.', generation);
    recorder.event(broker, 'Normal', 'FetchedCatalog', 'Successfully fetched catalog entries from broker.');
    await this.writeStatus(broker, status);
    return spec.relistBehavior === 'Manual' ? {} : { requeueAfterMs: relistMs };
  }

  private async writeStatus(broker: KubeObject, status: ServiceBrokerStatus): Promise<void> {
    const latest = this.deps.brokers.store.get(brokerKey(broker)) ?? broker;
    if (deepEqual(latest.status, status)) return;
    await this.deps.client.updateStatus(this.deps.scope.brokers, { ...latest, status });
  }

  private ownedBy(obj: KubeObject, namespace: string | undefined, brokerName: string): boolean {
    return (obj.spec as Record<string, unknown> | undefined)?.[this.deps.scope.brokerField] === brokerName && obj.metadata.namespace === namespace;
  }

  /** Creates or updates a class or plan; returns nothing, throws on a write that fails. */
  private async upsert(
    r: ResourceDescriptor,
    kind: string,
    existing: KubeObject | undefined,
    broker: KubeObject,
    name: string,
    spec: Record<string, unknown>,
    annotations: Record<string, string | undefined> = {},
  ): Promise<void> {
    const { client } = this.deps;
    const ns = broker.metadata.namespace;
    if (!existing) {
      const obj: KubeObject = withAnnotations({
        apiVersion,
        kind,
        metadata: {
          name,
          ...(ns ? { namespace: ns } : {}),
          ownerReferences: [{ apiVersion, kind: broker.kind, name: broker.metadata.name!, uid: broker.metadata.uid!, controller: true, blockOwnerDeletion: false }],
        },
        spec,
      }, annotations);
      try {
        await client.create(r, obj);
        return;
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
        existing = await client.get(r, name, { namespace: ns });
      }
    }
    // defaultProvisionParameters are the cluster operator's, not the broker's: a relist keeps them.
    const defaults = (existing.spec as Record<string, unknown> | undefined)?.defaultProvisionParameters;
    if (defaults !== undefined) spec = { ...spec, defaultProvisionParameters: defaults };
    const annotated = withAnnotations(existing, annotations);
    if (!deepEqual(existing.spec, spec) || annotated !== existing) existing = await client.update(r, { ...annotated, spec });
    if ((existing.status as { removedFromBrokerCatalog?: boolean } | undefined)?.removedFromBrokerCatalog) {
      await client.updateStatus(r, { ...existing, status: { removedFromBrokerCatalog: false } });
    }
  }

  private async markRemoved(r: ResourceDescriptor, obj: KubeObject): Promise<void> {
    if ((obj.status as { removedFromBrokerCatalog?: boolean } | undefined)?.removedFromBrokerCatalog) return;
    try {
      await this.deps.client.updateStatus(r, { ...obj, status: { ...(obj.status as object), removedFromBrokerCatalog: true } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async syncOfferings(broker: KubeObject, catalog: Catalog): Promise<void> {
    const { scope, classes, plans } = this.deps;
    const ns = broker.metadata.namespace;
    const brokerName = broker.metadata.name!;
    const restrictions = (broker.spec as { catalogRestrictions?: CatalogRestrictions }).catalogRestrictions;
    const keptClasses = new Set<string>();
    const keptPlans = new Set<string>();
    for (const service of catalog.services) {
      const classValue = (p: string): string => (p === 'spec.externalName' ? service.name : service.id);
      if (!matchesRestrictions(restrictions?.serviceClass, classValue)) continue;
      keptClasses.add(service.id);
      await this.upsert(scope.classes, scope.classKind, classes.store.getByName(ns, service.id), broker, service.id, classSpec(service, scope.brokerField, brokerName));
      for (const plan of service.plans) {
        const planValue = (p: string): string => {
          if (p === 'spec.externalName') return plan.name;
          if (p === 'spec.free') return String(plan.free ?? true);
          if (p === scope.classProperty) return service.id;
          return plan.id;
        };
        if (!matchesRestrictions(restrictions?.servicePlan, planValue)) continue;
        keptPlans.add(plan.id);
        await this.upsert(scope.plans, scope.planKind, plans.store.getByName(ns, plan.id), broker, plan.id, planSpec(service, plan, scope, brokerName), planAnnotations(plan));
      }
    }
    for (const c of classes.store.list()) {
      if (this.ownedBy(c, ns, brokerName) && !keptClasses.has(c.metadata.name!)) await this.markRemoved(scope.classes, c);
    }
    for (const p of plans.store.list()) {
      if (this.ownedBy(p, ns, brokerName) && !keptPlans.has(p.metadata.name!)) await this.markRemoved(scope.plans, p);
    }
  }

  /** A deleted broker takes its classes and plans with it; instances keep their own records. */
  private async removeOfferings(namespace: string | undefined, brokerName: string): Promise<void> {
    const { client, scope, classes, plans } = this.deps;
    for (const [r, informer] of [
      [scope.plans, plans],
      [scope.classes, classes],
    ] as const) {
      for (const obj of informer.store.list()) {
        if (!this.ownedBy(obj, namespace, brokerName)) continue;
        try {
          await client.delete(r, obj.metadata.name!, { namespace });
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
  }
}

function brokerKey(broker: KubeObject): string {
  return broker.metadata.namespace ? `${broker.metadata.namespace}/${broker.metadata.name}` : broker.metadata.name!;
}
