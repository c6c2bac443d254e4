import { deepEqual, type KubeObject } from '../../../api/index.js';
import {
  abandonAnnotation,
  type ServiceInstanceSpec,
  type ServiceInstanceStatus,
  type ServiceInstancePropertiesState,
} from '../../../api/resources/servicecatalog/index.js';
import { rfc3339 } from '../../../api/rfc3339.js';
import type { ApiClient, EventRecorder, Informer, ReconcileResult, Reconciler } from '../../../client/index.js';
import { pollingExpired, type JsonObject, type LastOperationResult, type OsbClient, type OsbFailure } from '../../osb/index.js';
import { BrokerConfigError, brokerClient, describeFailure } from '../internal/broker-client.js';
import type { CatalogResources } from '../internal/catalog-resources.js';
import { pollDelayMs, pollLimitMs, retryDelayMs, type ResolvedCatalogSettings } from '../internal/catalog-settings.js';
import {
  clearFailure,
  conditionOf,
  isTrue,
  markFailed,
  markRetrying,
  msUntil,
  preciseTime,
  recordFailure,
  removeCondition,
  retryingIn,
  setCondition,
  setInformationalCondition,
} from '../internal/conditions.js';
import { requestRelist } from '../internal/relist.js';
import {
  acceptMaintenanceAnnotation,
  annotationOf,
  maintenanceConflictAnnotation,
  maintenanceVersionAnnotation,
  planMaintenance,
  writeAnnotations,
} from '../../wharf-annotations.js';
import { writeObjectStatus } from '../internal/status-writer.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../internal/finalizers.js';
import { FreshObjects } from '../internal/fresh-objects.js';
import { identityOf } from '../internal/originating-identity.js';
import { isResolveFailure, resolveOffering, type Offering, type OfferingInformers } from '../internal/offerings.js';
import { ParametersError, buildParameters } from '../internal/parameters.js';

export interface InstanceReconcilerDeps {
  client: ApiClient;
  resources: CatalogResources;
  instances: Informer;
  bindings: Informer;
  offerings: OfferingInformers;
  recorder: EventRecorder;
  settings: ResolvedCatalogSettings;
}

/** One reconcile's view of an instance: the object, the status being built, and what to write. */
interface Work {
  inst: KubeObject;
  spec: ServiceInstanceSpec;
  status: ServiceInstanceStatus;
  generation: number;
}

type Op = 'Provision' | 'Update' | 'Deprovision';
/** Failures that end when another object appears or changes (its watch brings the instance back), not on a timer. */
const waitingReasons = new Set([
  'ReferencesNonexistentServiceClass',
  'ReferencesNonexistentServicePlan',
  'ReferencesNonexistentBroker',
  'ErrorWithParameters',
  'ServicePlanRemovedFromCatalog',
  // Waits for the refetched catalog (the plan's watch brings the instance back), or the backoff.
  'MaintenanceInfoConflict',
]);
/** On a ServiceInstance, kept by the controller: the maintenance_info version sent in the operation under way. */
const maintenancePendingAnnotation = 'servicecatalog.wharf.dev/maintenance-pending';
const osbOp = { Provision: 'provision', Update: 'update', Deprovision: 'deprovision' } as const;

function planProps(o: Offering, params: { redacted: JsonObject; checksum: string }, spec: ServiceInstanceSpec): ServiceInstancePropertiesState {
  const planName = String((o.plan.spec as { externalName?: string }).externalName ?? '');
  const props: ServiceInstancePropertiesState = o.cluster
    ? { clusterServicePlanExternalName: planName, clusterServicePlanExternalID: o.planId }
    : { servicePlanExternalName: planName, servicePlanExternalID: o.planId };
  props.parameters = params.redacted;
  props.parameterChecksum = params.checksum;
  if (spec.userInfo) props.userInfo = spec.userInfo;
  return props;
}

function propsPlanId(p: ServiceInstancePropertiesState | undefined): string | undefined {
  return p?.clusterServicePlanExternalID || p?.servicePlanExternalID || undefined;
}

/**
 * ServiceInstances: resolve the plan, provision, update when the plan, parameters or updateRequests
 * change, poll asynchronous operations (Retry-After, maximum_polling_duration), mitigate orphans when the
 * broker's answer calls for it, and deprovision through the finalizer, unless the deletion policy is
 * Orphan or the abandon annotation is set, in which case the object goes and an event says what stayed.
 */
export class InstanceReconciler implements Reconciler {
  private readonly written = new FreshObjects();

  constructor(private readonly deps: InstanceReconcilerDeps) {}

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.deps.instances.store.get(key);
    if (!cached) return this.written.forget(key);
    const found = this.written.fresh(cached);
    if (found.metadata.deletionTimestamp) return this.reconcileDelete(found);
    const inst = await addFinalizer(this.deps.client, this.deps.resources.serviceInstances, found);
    this.written.remember(inst);
    const w: Work = {
      inst,
      spec: (inst.spec ?? {}) as ServiceInstanceSpec,
      status: structuredClone((inst.status ?? {}) as ServiceInstanceStatus),
      generation: inst.metadata.generation ?? 0,
    };
    return this.reconcileLive(w);
  }

  // ---- the live object --------------------------------------------------------------------------

  private async reconcileLive(w: Work): Promise<ReconcileResult | void> {
    const offering = resolveOffering(w.inst, this.deps.offerings);
    if (isResolveFailure(offering)) {
      // Nothing can have reached a broker yet unless a provision was already sent.
      if (!w.status.deprovisionStatus) w.status.deprovisionStatus = 'NotRequired';
      if (!w.status.provisionStatus) w.status.provisionStatus = 'NotProvisioned';
      return this.retryLater(w, offering.reason, offering.message);
    }
    w.status.userSpecifiedClassName = offering.userClass;
    w.status.userSpecifiedPlanName = offering.userPlan;
    await this.recordRefs(w, offering);
    if (w.status.orphanMitigationInProgress) return this.withBroker(w, offering, (osb) => this.mitigateOrphan(w, offering, osb));
    if (w.status.asyncOpInProgress) return this.withBroker(w, offering, (osb) => this.poll(w, offering, osb));

    // Failed means retrying cannot help: wait for the user to change the spec or ask for an update.
    const failed = conditionOf(w.status, 'Failed');
    if (failed?.status === 'True' && failed.observedGeneration === w.generation && (w.status.observedUpdateRequests ?? 0) === (w.spec.updateRequests ?? 0)) return;
    if (w.status.lastError && !waitingReasons.has(w.status.lastError.reason) && (w.status.observedGeneration ?? -1) === w.generation) {
      const wait = msUntil(w.status.nextRetryTime);
      if (wait > 0) return { requeueAfterMs: wait };
    }

    let params;
    try {
      const defaults = [(offering.plan.spec as Record<string, unknown>).defaultProvisionParameters, (offering.cls.spec as Record<string, unknown>).defaultProvisionParameters];
      params = await buildParameters(this.deps.client, this.deps.resources, w.inst.metadata.namespace!, w.spec, defaults);
    } catch (e) {
      if (!(e instanceof ParametersError)) throw e;
      return this.retryLater(w, 'ErrorWithParameters', e.message);
    }
    const props = planProps(offering, params, w.spec);
    if (w.status.provisionStatus !== 'Provisioned') {
      if ((offering.plan.status as { removedFromBrokerCatalog?: boolean } | undefined)?.removedFromBrokerCatalog) {
        return this.retryLater(w, 'ServicePlanRemovedFromCatalog', `The plan "${offering.userPlan}" was removed from the broker's catalog; choose another plan`);
      }
      const waiting = this.awaitingCatalog(w, offering);
      if (waiting) return waiting;
      return this.withBroker(w, offering, (osb) => this.provision(w, offering, osb, props, params.parameters));
    }
    const ext = w.status.externalProperties;
    const updateRequested = (w.spec.updateRequests ?? 0) > (w.status.observedUpdateRequests ?? 0);
    const planChanged = propsPlanId(ext) !== offering.planId;
    const paramsChanged = ext?.parameterChecksum !== params.checksum;
    if (planChanged && (offering.cls.spec as { planUpdatable?: boolean }).planUpdatable === false) {
      return this.terminal(w, 'ErrorPlanNotUpdatable', `${offering.userClass} does not allow changing the plan of an instance; the instance stays on its current plan`);
    }
    const planMi = planMaintenance(offering.plan);
    const upgrade = planMi && planMi.version !== annotationOf(w.inst, maintenanceVersionAnnotation) && this.upgradeAccepted(w, planMi.version) ? planMi.version : undefined;
    if (planChanged || paramsChanged || updateRequested || upgrade) {
      const waiting = this.awaitingCatalog(w, offering);
      if (waiting) return waiting;
      // A new plan is provisioned at its current maintenance version; otherwise maintenance only when accepted.
      const maintenance = planChanged ? planMi?.version : upgrade;
      return this.withBroker(w, offering, (osb) => this.update(w, offering, osb, props, params.parameters, planChanged, paramsChanged || updateRequested, maintenance));
    }
    this.showMaintenance(w, offering);
    // A conflict whose catalog has since been refetched is over.
    await this.setAnnotations(w, { [maintenanceConflictAnnotation]: undefined });
    // In sync: make sure status says so (after a restart, or a Failed the user has since fixed).
    removeCondition(w.status, 'Failed');
    if (!isTrue(w.status, 'Ready')) setCondition(w.status, 'Ready', 'True', 'ProvisionedSuccessfully', 'The instance was provisioned successfully', w.generation);
    clearFailure(w.status);
    w.status.observedGeneration = w.generation;
    w.status.reconciledGeneration = w.generation;
    await this.writeStatus(w);
  }

  /** Records the resolved class and plan in the spec, as the catalog did; a changed reference re-reads. */
  private async recordRefs(w: Work, o: Offering): Promise<void> {
    const classField = o.cluster ? 'clusterServiceClassRef' : 'serviceClassRef';
    const planField = o.cluster ? 'clusterServicePlanRef' : 'servicePlanRef';
    const spec = w.spec as Record<string, unknown>;
    const want = { [classField]: { name: o.cls.metadata.name }, [planField]: { name: o.plan.metadata.name } };
    if (deepEqual(spec[classField], want[classField]) && deepEqual(spec[planField], want[planField])) return;
    const updated = await this.deps.client.update(this.deps.resources.serviceInstances, { ...w.inst, spec: { ...spec, ...want } });
    this.written.remember(updated);
    w.inst = updated;
    w.spec = updated.spec as ServiceInstanceSpec;
    w.generation = updated.metadata.generation ?? w.generation;
  }

  private async withBroker(w: Work, o: Offering, act: (osb: OsbClient) => Promise<ReconcileResult | void>): Promise<ReconcileResult | void> {
    if (!o.broker) {
      return this.retryLater(w, 'ReferencesNonexistentBroker', `The broker "${o.brokerName}" of ${o.userClass} does not exist`);
    }
    let osb: OsbClient;
    try {
      osb = await brokerClient(this.deps.client, this.deps.resources, o.broker, this.deps.settings.requestTimeoutMs);
    } catch (e) {
      if (!(e instanceof BrokerConfigError)) throw e;
      return this.retryLater(w, e.reason, e.message);
    }
    try {
      return await act(osb);
    } finally {
      osb.close();
    }
  }

  private async provision(w: Work, o: Offering, osb: OsbClient, props: ServiceInstancePropertiesState, parameters: JsonObject): Promise<ReconcileResult | void> {
    const ns = w.inst.metadata.namespace!;
    // Recorded before the call: whatever happens next, deleting the instance will ask the broker.
    this.startOperation(w, 'Provision', props);
    w.status.deprovisionStatus = 'Required';
    await this.writeStatus(w);
    const maintenance = planMaintenance(o.plan)?.version;
    await this.setAnnotations(w, { [maintenancePendingAnnotation]: maintenance });
    const result = await osb.provision(
      w.spec.externalID!,
      {
        service_id: o.serviceId,
        plan_id: o.planId,
        organization_guid: ns,
        space_guid: ns,
        context: { platform: 'kubernetes', namespace: ns, instance_name: w.inst.metadata.name, ...(w.inst.metadata.annotations ? { instance_annotations: w.inst.metadata.annotations } : {}) },
        parameters,
        ...(maintenance ? { maintenance_info: { version: maintenance } } : {}),
      },
      { acceptsIncomplete: true, originatingIdentity: identityOf(w.spec.userInfo) },
    );
    switch (result.kind) {
      case 'done':
        if (result.response.dashboard_url) w.status.dashboardURL = result.response.dashboard_url;
        return this.succeeded(w, 'Provision');
      case 'async':
        if (result.response.dashboard_url) w.status.dashboardURL = result.response.dashboard_url;
        return this.startPolling(w, o, 'Provision', result.operation, 'Provisioning', 'The instance is being provisioned asynchronously');
      case 'alreadyExists':
        w.status.deprovisionStatus = w.status.externalProperties ? 'Required' : 'NotRequired';
        return this.terminal(w, 'ProvisionCallFailed', `The broker has another instance with id ${w.spec.externalID} (HTTP 409): ${result.description}`);
      case 'failed':
        return this.operationFailed(w, 'Provision', result);
    }
  }

  private async update(
    w: Work,
    o: Offering,
    osb: OsbClient,
    props: ServiceInstancePropertiesState,
    parameters: JsonObject,
    planChanged: boolean,
    sendParameters: boolean,
    maintenance: string | undefined,
  ): Promise<ReconcileResult | void> {
    const ns = w.inst.metadata.namespace!;
    const previousPlan = propsPlanId(w.status.externalProperties);
    this.startOperation(w, 'Update', props);
    w.status.observedUpdateRequests = w.spec.updateRequests ?? 0;
    await this.writeStatus(w);
    await this.setAnnotations(w, { [maintenancePendingAnnotation]: maintenance });
    const result = await osb.update(
      w.spec.externalID!,
      {
        service_id: o.serviceId,
        ...(planChanged ? { plan_id: o.planId } : {}),
        ...(sendParameters ? { parameters } : {}),
        ...(maintenance ? { maintenance_info: { version: maintenance } } : {}),
        context: { platform: 'kubernetes', namespace: ns, instance_name: w.inst.metadata.name },
        previous_values: { service_id: o.serviceId, ...(previousPlan ? { plan_id: previousPlan } : {}) },
      },
      { acceptsIncomplete: true, originatingIdentity: identityOf(w.spec.userInfo) },
    );
    switch (result.kind) {
      case 'done':
        if (result.response.dashboard_url) w.status.dashboardURL = result.response.dashboard_url;
        return this.succeeded(w, 'Update');
      case 'async':
        return this.startPolling(w, o, 'Update', result.operation, 'UpdatingInstance', 'The instance is being updated asynchronously');
      case 'failed':
        return this.operationFailed(w, 'Update', result);
    }
  }

  // ---- asynchronous operations ------------------------------------------------------------------

  private startOperation(w: Work, op: Op, props: ServiceInstancePropertiesState | undefined): void {
    w.status.currentOperation = op;
    w.status.operationStartTime = rfc3339(Date.now());
    if (props) w.status.inProgressProperties = props;
    else delete w.status.inProgressProperties;
  }

  private async startPolling(w: Work, o: Offering | undefined, op: Op, operation: string | undefined, reason: string, message: string): Promise<ReconcileResult> {
    w.status.asyncOpInProgress = true;
    if (operation) w.status.lastOperation = operation;
    else delete w.status.lastOperation;
    const maxSeconds = (o?.plan.spec as { maximumPollingDuration?: number } | undefined)?.maximumPollingDuration;
    if (typeof maxSeconds === 'number') w.status.pollDeadline = preciseTime(Date.now() + maxSeconds * 1000);
    else delete w.status.pollDeadline;
    const wait = pollDelayMs(this.deps.settings, undefined);
    w.status.nextRetryTime = preciseTime(Date.now() + wait);
    if (!w.status.orphanMitigationInProgress) setCondition(w.status, 'Ready', 'False', reason, message, w.generation);
    this.deps.recorder.event(w.inst, 'Normal', reason, message);
    await this.writeStatus(w);
    return { requeueAfterMs: wait };
  }

  private async poll(w: Work, o: Offering | undefined, osb: OsbClient): Promise<ReconcileResult | void> {
    const op = (w.status.currentOperation ?? 'Provision') as Op;
    const wait = msUntil(w.status.nextRetryTime);
    if (wait > 0) return { requeueAfterMs: wait };
    const result: LastOperationResult = await osb.lastOperation(w.spec.externalID!, {
      serviceId: o?.serviceId,
      planId: propsPlanId(op === 'Update' ? w.status.externalProperties : (w.status.inProgressProperties ?? w.status.externalProperties)),
      operation: w.status.lastOperation,
      for: osbOp[op],
      originatingIdentity: w.status.orphanMitigationInProgress ? undefined : identityOf(w.spec.userInfo),
    });
    if (result.kind === 'inProgress' || result.kind === 'pollAgain') {
      if (w.status.pollDeadline && msUntil(w.status.pollDeadline) === 0) {
        const limit = pollLimitMs(o?.plan, w.status.operationStartTime, w.status.pollDeadline);
        return this.finishAsync(w, op, pollingExpired(osbOp[op], limit, result.requestIdentity));
      }
      const next = pollDelayMs(this.deps.settings, result.retryAfterMs);
      w.status.nextRetryTime = preciseTime(Date.now() + next);
      if (result.kind === 'inProgress' && result.description && !w.status.orphanMitigationInProgress) {
        setCondition(w.status, 'Ready', 'False', conditionOf(w.status, 'Ready')?.reason ?? 'Provisioning', result.description, w.generation);
      }
      await this.writeStatus(w);
      return { requeueAfterMs: next };
    }
    if (result.kind === 'succeeded' || result.kind === 'gone') return this.finishAsync(w, op, undefined);
    return this.finishAsync(w, op, result);
  }

  private async finishAsync(w: Work, op: Op, failure: OsbFailure | undefined): Promise<ReconcileResult | void> {
    w.status.asyncOpInProgress = false;
    delete w.status.lastOperation;
    delete w.status.pollDeadline;
    if (w.status.orphanMitigationInProgress) return failure ? this.mitigationFailed(w, failure) : this.mitigationDone(w);
    if (failure) return this.operationFailed(w, op, failure);
    return this.succeeded(w, op);
  }

  private async succeeded(w: Work, op: Op): Promise<ReconcileResult | void> {
    const s = w.status;
    s.asyncOpInProgress = false;
    delete s.currentOperation;
    delete s.operationStartTime;
    delete s.lastOperation;
    delete s.pollDeadline;
    clearFailure(s);
    removeCondition(s, 'Failed');
    s.observedGeneration = w.generation;
    s.reconciledGeneration = w.generation;
    if (op === 'Deprovision') {
      s.deprovisionStatus = 'Succeeded';
      s.provisionStatus = 'NotProvisioned';
      delete s.externalProperties;
      delete s.inProgressProperties;
      setCondition(s, 'Ready', 'False', 'Deprovisioned', 'The instance was deprovisioned successfully', w.generation);
      this.deps.recorder.event(w.inst, 'Normal', 'Deprovisioned', 'The instance was deprovisioned successfully');
      await this.writeStatus(w);
      await removeFinalizer(this.deps.client, this.deps.resources.serviceInstances, w.inst);
      return;
    }
    s.externalProperties = s.inProgressProperties;
    delete s.inProgressProperties;
    const applied = annotationOf(w.inst, maintenancePendingAnnotation);
    const upgraded = op === 'Update' && applied !== undefined && applied !== annotationOf(w.inst, maintenanceVersionAnnotation);
    await this.setAnnotations(w, {
      [maintenancePendingAnnotation]: undefined,
      [maintenanceConflictAnnotation]: undefined,
      ...(applied !== undefined ? { [maintenanceVersionAnnotation]: applied } : {}),
    });
    if (applied !== undefined) {
      setInformationalCondition(s, 'MaintenanceAvailable', 'False', 'MaintenanceUpToDate', `The instance has maintenance_info version ${applied}`, w.generation);
    }
    if (upgraded) this.deps.recorder.event(w.inst, 'Normal', 'MaintenanceApplied', `The broker applied maintenance_info version ${applied}`);
    s.provisionStatus = 'Provisioned';
    s.deprovisionStatus = 'Required';
    const [reason, message] = op === 'Provision' ? ['ProvisionedSuccessfully', 'The instance was provisioned successfully'] : ['InstanceUpdatedSuccessfully', 'The instance was updated successfully'];
    setCondition(s, 'Ready', 'True', reason, message, w.generation);
    this.deps.recorder.event(w.inst, 'Normal', reason, message);
    await this.writeStatus(w);
  }

  private async operationFailed(w: Work, op: Op, f: OsbFailure): Promise<ReconcileResult | void> {
    const s = w.status;
    const reason = { Provision: 'ProvisionCallFailed', Update: 'UpdateInstanceCallFailed', Deprovision: 'DeprovisionCallFailed' }[op];
    const message = `${op} call failed: ${describeFailure(f)}`;
    s.asyncOpInProgress = false;
    delete s.lastOperation;
    const sent = annotationOf(w.inst, maintenancePendingAnnotation);
    if (sent !== undefined) await this.setAnnotations(w, { [maintenancePendingAnnotation]: undefined });
    if (f.remedy === 'refetchCatalog' && op !== 'Deprovision') return this.maintenanceConflict(w, op, f, sent);
    if (op === 'Provision' && f.orphanMitigation) {
      // The broker may hold an instance nobody knows of: delete it before trying again.
      s.orphanMitigationInProgress = true;
      s.currentOperation = 'Deprovision';
      recordFailure(s, reason, message, retryDelayMs(this.deps.settings, (s.retries ?? 0) + 1));
      setCondition(s, 'Ready', 'False', reason, message, w.generation);
      this.deps.recorder.event(w.inst, 'Warning', reason, message);
      setCondition(s, 'OrphanMitigation', 'True', 'StartingInstanceOrphanMitigation', `The instance provision call failed with an ambiguous error; attempting to deprovision the instance at the broker to mitigate a possible orphan: ${describeFailure(f)}`, w.generation);
      this.deps.recorder.event(w.inst, 'Warning', 'StartingInstanceOrphanMitigation', conditionOf(s, 'OrphanMitigation')!.message);
      s.observedGeneration = w.generation;
      await this.writeStatus(w);
      return { requeueAfterMs: 1 };
    }
    if (op === 'Provision' && !s.externalProperties) {
      // A definite refusal created nothing at the broker.
      s.deprovisionStatus = f.reason === 'rejected' || f.reason === 'unreachable' ? 'NotRequired' : 'Required';
    }
    if (op === 'Update' && f.instanceUsable === false) this.deps.recorder.event(w.inst, 'Warning', 'InstanceUnusable', 'The broker says the instance is no longer usable after the failed update');
    if (op !== 'Deprovision' && (!f.retryable || f.updateRepeatable === false)) {
      s.inProgressProperties = undefined;
      delete s.currentOperation;
      return this.terminal(w, reason, message);
    }
    delete s.currentOperation;
    return this.retryLater(w, reason, message);
  }

  // ---- maintenance_info -------------------------------------------------------------------------

  private upgradeAccepted(w: Work, version: string): boolean {
    const accepted = annotationOf(w.inst, acceptMaintenanceAnnotation);
    return accepted === version || accepted === 'latest';
  }

  /** In sync with the broker: say whether the plan's maintenance_info is newer than the instance's. */
  private showMaintenance(w: Work, o: Offering): void {
    const planMi = planMaintenance(o.plan);
    const have = annotationOf(w.inst, maintenanceVersionAnnotation);
    if (!planMi) {
      removeCondition(w.status, 'MaintenanceAvailable');
      return;
    }
    if (planMi.version === have) {
      setInformationalCondition(w.status, 'MaintenanceAvailable', 'False', 'MaintenanceUpToDate', `The instance has maintenance_info version ${have}`, w.generation);
      return;
    }
    const what = `${planMi.version}${planMi.description ? ` (${planMi.description})` : ''}`;
    const message = `The plan's maintenance_info version is now ${what}; the instance has ${have ?? 'an unknown version'}. To apply it, annotate the instance ${acceptMaintenanceAnnotation}=${planMi.version}`;
    const before = conditionOf(w.status, 'MaintenanceAvailable');
    const news = before?.status !== 'True' || before.message !== message;
    setInformationalCondition(w.status, 'MaintenanceAvailable', 'True', 'MaintenanceAvailable', message, w.generation);
    if (news) this.deps.recorder.event(w.inst, 'Normal', 'MaintenanceAvailable', message);
  }

  /**
   * After a MaintenanceInfoConflict the plan's copy of maintenance_info is known to be stale: hold the
   * request until the refetched catalog changes it, or until the backoff ends (then it is sent once more).
   */
  private awaitingCatalog(w: Work, o: Offering): ReconcileResult | undefined {
    const conflicted = annotationOf(w.inst, maintenanceConflictAnnotation);
    if (conflicted === undefined || planMaintenance(o.plan)?.version !== conflicted) return undefined;
    const wait = msUntil(w.status.nextRetryTime);
    return wait > 0 ? { requeueAfterMs: wait } : undefined;
  }

  /**
   * The broker's maintenance_info is newer than the plan's copy: have the broker controller fetch the
   * catalog again, and retry once with what it brings. A second conflict is Failed.
   */
  private async maintenanceConflict(w: Work, op: Op, f: OsbFailure, sent: string | undefined): Promise<ReconcileResult> {
    const s = w.status;
    delete s.currentOperation;
    s.inProgressProperties = undefined;
    if (op === 'Provision' && !s.externalProperties) s.deprovisionStatus = 'NotRequired';
    const already = annotationOf(w.inst, maintenanceConflictAnnotation);
    if (already !== undefined) {
      await this.setAnnotations(w, { [maintenanceConflictAnnotation]: undefined });
      return this.terminal(w, 'MaintenanceInfoConflict', `${op} call failed again after the catalog was fetched: ${describeFailure(f)}`);
    }
    await this.setAnnotations(w, { [maintenanceConflictAnnotation]: sent ?? '' });
    const o = resolveOffering(w.inst, this.deps.offerings);
    if (!isResolveFailure(o) && o.broker) await requestRelist(this.deps.client, this.deps.resources, o.broker);
    return this.retryLater(w, 'MaintenanceInfoConflict', `${op} call failed: ${describeFailure(f)}; the broker's catalog is being fetched again and the ${op.toLowerCase()} will be retried once`);
  }

  private async setAnnotations(w: Work, changes: Record<string, string | undefined>): Promise<void> {
    const updated = await writeAnnotations(this.deps.client, this.deps.resources.serviceInstances, w.inst, changes);
    if (updated === w.inst) return;
    this.written.remember(updated);
    w.inst = updated;
  }

  // ---- orphan mitigation ------------------------------------------------------------------------

  private async mitigateOrphan(w: Work, o: Offering, osb: OsbClient): Promise<ReconcileResult | void> {
    if (w.status.asyncOpInProgress) return this.poll(w, o, osb);
    const planId = propsPlanId(w.status.inProgressProperties) ?? o.planId;
    const result = await osb.deprovision(w.spec.externalID!, { serviceId: o.serviceId, planId, acceptsIncomplete: true });
    switch (result.kind) {
      case 'done':
      case 'gone':
        return this.mitigationDone(w);
      case 'async':
        w.status.currentOperation = 'Deprovision';
        return this.startPolling(w, o, 'Deprovision', result.operation, 'OrphanMitigation', 'Orphan mitigation is under way');
      case 'failed':
        return this.mitigationFailed(w, result);
    }
  }

  private async mitigationDone(w: Work): Promise<ReconcileResult> {
    const s = w.status;
    s.orphanMitigationInProgress = false;
    s.asyncOpInProgress = false;
    delete s.currentOperation;
    delete s.inProgressProperties;
    if (!s.externalProperties) {
      s.deprovisionStatus = 'NotRequired';
      s.provisionStatus = 'NotProvisioned';
    }
    setCondition(s, 'OrphanMitigation', 'False', 'OrphanMitigationSuccessful', 'Orphan mitigation was completed successfully', w.generation);
    this.deps.recorder.event(w.inst, 'Normal', 'OrphanMitigationSuccessful', 'Orphan mitigation was completed successfully');
    await this.writeStatus(w);
    return { requeueAfterMs: Math.max(1, msUntil(s.nextRetryTime)) };
  }

  private async mitigationFailed(w: Work, f: OsbFailure): Promise<ReconcileResult> {
    const message = `Orphan mitigation failed: ${describeFailure(f)}`;
    const wait = retryDelayMs(this.deps.settings, (w.status.retries ?? 0) + 1);
    recordFailure(w.status, 'OrphanMitigationFailed', `${message}${retryingIn(wait)}`, wait);
    setCondition(w.status, 'OrphanMitigation', 'True', 'OrphanMitigationFailed', w.status.lastError!.message, w.generation);
    this.deps.recorder.event(w.inst, 'Warning', 'OrphanMitigationFailed', message);
    await this.writeStatus(w);
    return { requeueAfterMs: wait };
  }

  // ---- deletion ---------------------------------------------------------------------------------

  private async reconcileDelete(inst: KubeObject): Promise<ReconcileResult | void> {
    if (!hasFinalizer(inst)) return;
    const w: Work = {
      inst,
      spec: (inst.spec ?? {}) as ServiceInstanceSpec,
      status: structuredClone((inst.status ?? {}) as ServiceInstanceStatus),
      generation: inst.metadata.generation ?? 0,
    };
    const s = w.status;
    const atBroker = s.asyncOpInProgress === true || s.orphanMitigationInProgress === true || s.deprovisionStatus === 'Required' || s.deprovisionStatus === 'Failed';
    if (!atBroker) {
      await removeFinalizer(this.deps.client, this.deps.resources.serviceInstances, inst);
      return;
    }
    const abandoned = inst.metadata.annotations?.[abandonAnnotation] === 'true';
    if (abandoned || w.spec.deletionPolicy === 'Orphan') {
      const why = abandoned ? `the ${abandonAnnotation} annotation is "true"` : 'its deletion policy is Orphan';
      const plan = s.externalProperties?.clusterServicePlanExternalName ?? s.externalProperties?.servicePlanExternalName ?? s.userSpecifiedPlanName ?? '';
      this.deps.recorder.event(
        inst,
        'Warning',
        abandoned ? 'Abandoned' : 'Orphaned',
        `Deleted without deprovisioning because ${why}: service instance ${w.spec.externalID} (${s.userSpecifiedClassName ?? ''}, plan "${plan}") is left at the broker`,
      );
      await removeFinalizer(this.deps.client, this.deps.resources.serviceInstances, inst);
      return;
    }
    const bindings = this.deps.bindings.store
      .list()
      .filter((b) => b.metadata.namespace === inst.metadata.namespace && (b.spec as { instanceRef?: { name?: string } } | undefined)?.instanceRef?.name === inst.metadata.name);
    if (bindings.length > 0) {
      return this.retryLater(w, 'DeprovisionBlockedByExistingCredentials', `All associated ServiceBindings must be removed before this ServiceInstance can be deleted (${bindings.map((b) => b.metadata.name).join(', ')})`);
    }
    const offering = resolveOffering(inst, this.deps.offerings);
    const hint = `; to delete the instance without the broker, set spec.deletionPolicy to Orphan or annotate it ${abandonAnnotation}=true`;
    if (isResolveFailure(offering)) return this.retryLater(w, 'DeprovisionCallFailed', `Cannot deprovision: ${offering.message}${hint}`);
    if (!offering.broker) return this.retryLater(w, 'DeprovisionCallFailed', `Cannot deprovision: the broker "${offering.brokerName}" does not exist${hint}`);
    return this.withBroker(w, offering, async (osb) => {
      if (s.orphanMitigationInProgress && !s.asyncOpInProgress) {
        // The deprovision below is the mitigation too.
        s.orphanMitigationInProgress = false;
      }
      if (s.asyncOpInProgress && s.currentOperation === 'Deprovision') return this.poll(w, offering, osb);
      if (s.asyncOpInProgress) return this.poll(w, offering, osb);
      // Only a failed deprovision waits for its retry time; an earlier provision failure does not hold up the delete.
      if (s.lastError?.reason === 'DeprovisionCallFailed' && msUntil(s.nextRetryTime) > 0) return { requeueAfterMs: msUntil(s.nextRetryTime) };
      const planId = propsPlanId(s.externalProperties) ?? propsPlanId(s.inProgressProperties) ?? offering.planId;
      this.startOperation(w, 'Deprovision', undefined);
      await this.writeStatus(w);
      const result = await osb.deprovision(w.spec.externalID!, { serviceId: offering.serviceId, planId, acceptsIncomplete: true, originatingIdentity: identityOf(w.spec.userInfo) });
      switch (result.kind) {
        case 'done':
        case 'gone':
          return this.succeeded(w, 'Deprovision');
        case 'async':
          return this.startPolling(w, offering, 'Deprovision', result.operation, 'Deprovisioning', 'The instance is being deprovisioned asynchronously');
        case 'failed': {
          const wait = retryDelayMs(this.deps.settings, (s.retries ?? 0) + 1);
          delete s.currentOperation;
          recordFailure(s, 'DeprovisionCallFailed', `Deprovision call failed: ${describeFailure(result)}${retryingIn(wait)}${hint}`, wait);
          setCondition(s, 'Ready', 'False', 'DeprovisionCallFailed', s.lastError!.message, w.generation);
          this.deps.recorder.event(inst, 'Warning', 'DeprovisionCallFailed', `Deprovision call failed: ${describeFailure(result)}${hint}`);
          await this.writeStatus(w);
          return { requeueAfterMs: wait };
        }
      }
    });
  }

  // ---- status -----------------------------------------------------------------------------------

  /** A failure retried with growing backoff, shown in Ready, lastError, nextRetryTime and an event. */
  private async retryLater(w: Work, reason: string, message: string): Promise<ReconcileResult> {
    const wait = retryDelayMs(this.deps.settings, (w.status.retries ?? 0) + 1);
    markRetrying(w.status, reason, message, wait, w.generation);
    this.deps.recorder.event(w.inst, 'Warning', reason, message);
    await this.writeStatus(w);
    return { requeueAfterMs: wait };
  }

  /** A failure retrying cannot fix: Failed until the spec changes or updateRequests grows. */
  private async terminal(w: Work, reason: string, message: string): Promise<ReconcileResult> {
    markFailed(w.status, reason, message, w.generation);
    w.status.observedUpdateRequests = w.spec.updateRequests ?? 0;
    this.deps.recorder.event(w.inst, 'Warning', reason, message);
    await this.writeStatus(w);
    return {};
  }

  private async writeStatus(w: Work): Promise<void> {
    const updated = await writeObjectStatus(this.deps.client, this.deps.resources.serviceInstances, w.inst, w.status, this.written);
    if (!updated || updated === w.inst) return;
    w.inst = updated;
    w.status = structuredClone((updated.status ?? {}) as ServiceInstanceStatus);
  }
}
