import type { KubeObject } from '../../../api/index.js';
import {
  abandonAnnotation,
  type ServiceBindingSpec,
  type ServiceBindingStatus,
  type ServiceInstanceSpec,
  type ServiceInstanceStatus,
} from '../../../api/resources/servicecatalog/index.js';
import { rfc3339 } from '../../../api/rfc3339.js';
import type { ApiClient, EventRecorder, Informer, ReconcileResult, Reconciler } from '../../../client/index.js';
import { pollingExpired, type OsbClient, type OsbFailure } from '../../osb/index.js';
import { BrokerConfigError, brokerClient, describeFailure } from '../internal/broker-client.js';
import type { CatalogResources } from '../internal/catalog-resources.js';
import { pollDelayMs, pollLimitMs, retryDelayMs, type ResolvedCatalogSettings } from '../internal/catalog-settings.js';
import { clearFailure, conditionOf, isTrue, markFailed, markRetrying, msUntil, preciseTime, recordFailure, removeCondition, retryingIn, setCondition } from '../internal/conditions.js';
import { writeObjectStatus } from '../internal/status-writer.js';
import { addFinalizer, hasFinalizer, removeFinalizer } from '../internal/finalizers.js';
import { FreshObjects } from '../internal/fresh-objects.js';
import { identityOf } from '../internal/originating-identity.js';
import { isResolveFailure, resolveOffering, type Offering, type OfferingInformers } from '../internal/offerings.js';
import { ParametersError, buildParameters } from '../internal/parameters.js';
import { bindingSecretExists, deleteBindingSecret, TransformError, writeBindingSecret } from './binding-secret.js';
import { BindingRotation } from './binding-rotation.js';
import type { BindingWork } from './binding-work.js';
import { brokerBindingIds, currentBindingId, rotationRequested, rotationState } from './rotation-state.js';

export interface BindingReconcilerDeps {
  client: ApiClient;
  resources: CatalogResources;
  bindings: Informer;
  instances: Informer;
  offerings: OfferingInformers;
  recorder: EventRecorder;
  settings: ResolvedCatalogSettings;
}

type Work = BindingWork;

type Op = 'Bind' | 'Unbind';
/** Failures that end when the instance appears or becomes ready (its watch brings the binding back), not on a timer. */
const waitingReasons = new Set(['ReferencesNonexistentInstance', 'ErrorInstanceNotReady', 'ReferencesNonexistentServiceClass', 'ReferencesNonexistentServicePlan']);

const hint = `; to delete the binding without the broker, annotate it ${abandonAnnotation}=true`;

/**
 * ServiceBindings: bind once the instance is provisioned, write the credentials (transformed) into a Secret
 * the binding owns, mitigate orphans when a bind's answer calls for it, and unbind through the finalizer
 * (or, abandoned or without an instance, let go with an event saying what stayed at the broker).
 */
export class BindingReconciler implements Reconciler {
  private readonly written = new FreshObjects();
  private readonly rotation: BindingRotation;

  constructor(private readonly deps: BindingReconcilerDeps) {
    this.rotation = new BindingRotation(deps, this.written, (w) => this.writeStatus(w));
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.deps.bindings.store.get(key);
    if (!cached) return this.written.forget(key);
    const found = this.written.fresh(cached);
    if (found.metadata.deletionTimestamp) return this.reconcileDelete(this.work(found));
    const b = await addFinalizer(this.deps.client, this.deps.resources.serviceBindings, found);
    this.written.remember(b);
    return this.reconcileLive(this.work(b));
  }

  private work(b: KubeObject): Work {
    return { b, spec: (b.spec ?? {}) as ServiceBindingSpec, status: structuredClone((b.status ?? {}) as ServiceBindingStatus), generation: b.metadata.generation ?? 0 };
  }

  private instanceOf(w: Work): KubeObject | undefined {
    return this.deps.instances.store.getByName(w.b.metadata.namespace, w.spec.instanceRef?.name ?? '');
  }

  private async reconcileLive(w: Work): Promise<ReconcileResult | void> {
    const s = w.status;
    const inst = this.instanceOf(w);
    if (!inst) {
      s.unbindStatus ??= 'NotRequired';
      return this.retryLater(w, 'ReferencesNonexistentInstance', `The binding references a ServiceInstance "${w.spec.instanceRef?.name}" that does not exist`);
    }
    const offering = resolveOffering(inst, this.deps.offerings);
    if (isResolveFailure(offering)) return this.retryLater(w, offering.reason, offering.message);
    if (s.orphanMitigationInProgress || s.asyncOpInProgress) {
      return this.withBroker(w, offering, (osb) => (s.asyncOpInProgress ? this.poll(w, inst, offering, osb) : this.mitigateOrphan(w, inst, offering, osb)));
    }
    if (isTrue(s, 'Ready') && s.unbindStatus === 'Required') {
      const rot = rotationState(w.b);
      if (rot.successor || rot.retiring?.length || rotationRequested(w.b)) {
        const wait = msUntil(rot.notBefore);
        if (wait > 0) return { requeueAfterMs: wait };
        return this.withBroker(w, offering, (osb) => this.rotation.step(w, inst, offering, osb));
      }
      // Bound. Credentials are not kept anywhere but the Secret: a lost Secret or changed transforms need them again.
      if ((s.observedGeneration ?? w.generation) === w.generation && (await bindingSecretExists(this.deps.client, this.deps.resources, w.b))) return;
      return this.withBroker(w, offering, (osb) => this.refreshSecret(w, inst, offering, osb));
    }
    const failed = conditionOf(s, 'Failed');
    if (failed?.status === 'True' && failed.observedGeneration === w.generation) return;
    if (s.lastError && !waitingReasons.has(s.lastError.reason) && (s.observedGeneration ?? -1) === w.generation) {
      const wait = msUntil(s.nextRetryTime);
      if (wait > 0) return { requeueAfterMs: wait };
    }
    const instStatus = (inst.status ?? {}) as ServiceInstanceStatus;
    if (inst.metadata.deletionTimestamp) return this.retryLater(w, 'ReferencesDeletedServiceInstance', `The ServiceInstance "${inst.metadata.name}" is being deleted`);
    if (instStatus.provisionStatus !== 'Provisioned' || instStatus.asyncOpInProgress) {
      return this.retryLater(w, 'ErrorInstanceNotReady', `The ServiceInstance "${inst.metadata.name}" is not ready yet`);
    }
    const bindable = (offering.plan.spec as { bindable?: boolean }).bindable ?? (offering.cls.spec as { bindable?: boolean }).bindable;
    if (bindable === false) return this.terminal(w, 'ErrorNonbindableServiceClass', `The plan "${offering.userPlan}" of ${offering.userClass} is not bindable`);
    let params;
    try {
      params = await buildParameters(this.deps.client, this.deps.resources, w.b.metadata.namespace!, w.spec);
    } catch (e) {
      if (!(e instanceof ParametersError)) throw e;
      return this.retryLater(w, 'ErrorWithParameters', e.message);
    }
    return this.withBroker(w, offering, async (osb) => {
      s.currentOperation = 'Bind';
      s.operationStartTime = rfc3339(Date.now());
      s.unbindStatus = 'Required';
      s.inProgressProperties = { parameters: params.redacted, parameterChecksum: params.checksum, ...(w.spec.userInfo ? { userInfo: w.spec.userInfo } : {}) };
      await this.writeStatus(w);
      const ns = w.b.metadata.namespace!;
      const result = await osb.bind(
        (inst.spec as ServiceInstanceSpec).externalID!,
        w.spec.externalID!,
        { service_id: offering.serviceId, plan_id: offering.planId, context: { platform: 'kubernetes', namespace: ns }, parameters: params.parameters },
        { acceptsIncomplete: true, originatingIdentity: identityOf(w.spec.userInfo) },
      );
      switch (result.kind) {
        case 'done':
          return this.bound(w, offering, (result.response.credentials ?? {}) as Record<string, unknown>);
        case 'async':
          return this.startPolling(w, 'Bind', result.operation, 'Binding', 'The binding is being created asynchronously');
        case 'alreadyExists':
          // w.status, not s: the status write before the call replaced the object s points to.
          w.status.unbindStatus = 'NotRequired';
          return this.terminal(w, 'BindCallFailed', `The broker has another binding with id ${w.spec.externalID} (HTTP 409): ${result.description}`);
        case 'failed':
          return this.bindFailed(w, result);
      }
    });
  }

  private async withBroker(w: Work, o: Offering, act: (osb: OsbClient) => Promise<ReconcileResult | void>, extraHint = ''): Promise<ReconcileResult | void> {
    if (!o.broker) return this.retryLater(w, 'ReferencesNonexistentBroker', `The broker "${o.brokerName}" of ${o.userClass} does not exist${extraHint}`);
    let osb: OsbClient;
    try {
      osb = await brokerClient(this.deps.client, this.deps.resources, o.broker, this.deps.settings.requestTimeoutMs);
    } catch (e) {
      if (!(e instanceof BrokerConfigError)) throw e;
      return this.retryLater(w, e.reason, `${e.message}${extraHint}`);
    }
    try {
      return await act(osb);
    } finally {
      osb.close();
    }
  }

  private async bound(w: Work, o: Offering, credentials: Record<string, unknown>): Promise<ReconcileResult | void> {
    const s = w.status;
    try {
      const kind = { type: String((o.cls.spec as { externalName?: string }).externalName ?? ''), provider: o.brokerName };
      await writeBindingSecret(this.deps.client, this.deps.resources, w.b, credentials, kind);
    } catch (e) {
      if (!(e instanceof TransformError)) throw e;
      // Bound at the broker but not delivered: keep unbindStatus Required and try the delivery again.
      s.asyncOpInProgress = false;
      return this.retryLater(w, 'ErrorInjectingBindResult', `Error injecting bind result: ${e.message}`);
    }
    s.asyncOpInProgress = false;
    delete s.currentOperation;
    delete s.operationStartTime;
    delete s.lastOperation;
    delete s.pollDeadline;
    if (s.inProgressProperties) s.externalProperties = s.inProgressProperties;
    delete s.inProgressProperties;
    s.unbindStatus = 'Required';
    clearFailure(s);
    removeCondition(s, 'Failed');
    s.observedGeneration = w.generation;
    s.reconciledGeneration = w.generation;
    setCondition(s, 'Ready', 'True', 'InjectedBindResult', 'Injected bind result', w.generation);
    this.deps.recorder.event(w.b, 'Normal', 'InjectedBindResult', 'Injected bind result');
    await this.writeStatus(w);
  }

  /** Fetches the credentials again (bindings_retrievable brokers) to rewrite a lost or re-transformed Secret. */
  private async refreshSecret(w: Work, inst: KubeObject, o: Offering, osb: OsbClient): Promise<ReconcileResult | void> {
    if (!(o.cls.spec as { bindingRetrievable?: boolean }).bindingRetrievable) {
      w.status.observedGeneration = w.generation;
      setCondition(w.status, 'Ready', 'True', 'InjectedBindResult', `Injected bind result; the broker cannot return the credentials again, so a lost Secret needs a new binding`, w.generation);
      await this.writeStatus(w);
      return;
    }
    const result = await osb.getBinding((inst.spec as ServiceInstanceSpec).externalID!, currentBindingId(w.b), { serviceId: o.serviceId, planId: o.planId });
    if (result.kind === 'done') return this.bound(w, o, (result.binding.credentials ?? {}) as Record<string, unknown>);
    const message = result.kind === 'notFound' ? 'The broker does not know this binding any more' : describeFailure(result);
    return this.retryLater(w, 'ErrorFetchingBinding', `Error fetching the binding's credentials: ${message}`);
  }

  private async bindFailed(w: Work, f: OsbFailure): Promise<ReconcileResult | void> {
    const s = w.status;
    const message = `Bind call failed: ${describeFailure(f)}`;
    s.asyncOpInProgress = false;
    delete s.lastOperation;
    delete s.currentOperation;
    if (f.orphanMitigation) {
      s.orphanMitigationInProgress = true;
      recordFailure(s, 'BindCallFailed', message, retryDelayMs(this.deps.settings, (s.retries ?? 0) + 1));
      setCondition(s, 'Ready', 'False', 'BindCallFailed', message, w.generation);
      this.deps.recorder.event(w.b, 'Warning', 'BindCallFailed', message);
      const om = `The bind call failed with an ambiguous error; attempting to unbind at the broker to mitigate a possible orphan: ${describeFailure(f)}`;
      setCondition(s, 'OrphanMitigation', 'True', 'StartingOrphanMitigation', om, w.generation);
      this.deps.recorder.event(w.b, 'Warning', 'StartingOrphanMitigation', om);
      s.observedGeneration = w.generation;
      await this.writeStatus(w);
      return { requeueAfterMs: 1 };
    }
    if (f.reason === 'rejected' || f.reason === 'unreachable') s.unbindStatus = 'NotRequired';
    if (!f.retryable) return this.terminal(w, 'BindCallFailed', message);
    return this.retryLater(w, 'BindCallFailed', message);
  }

  private async mitigateOrphan(w: Work, inst: KubeObject, o: Offering, osb: OsbClient): Promise<ReconcileResult | void> {
    const result = await osb.unbind((inst.spec as ServiceInstanceSpec).externalID!, currentBindingId(w.b), { serviceId: o.serviceId, planId: o.planId, acceptsIncomplete: true });
    switch (result.kind) {
      case 'done':
      case 'gone':
        return this.mitigationDone(w);
      case 'async':
        w.status.currentOperation = 'Unbind';
        return this.startPolling(w, 'Unbind', result.operation, 'OrphanMitigation', 'Orphan mitigation is under way');
      case 'failed': {
        const wait = retryDelayMs(this.deps.settings, (w.status.retries ?? 0) + 1);
        recordFailure(w.status, 'OrphanMitigationFailed', `Orphan mitigation failed: ${describeFailure(result)}${retryingIn(wait)}`, wait);
        setCondition(w.status, 'OrphanMitigation', 'True', 'OrphanMitigationFailed', w.status.lastError!.message, w.generation);
        this.deps.recorder.event(w.b, 'Warning', 'OrphanMitigationFailed', `Orphan mitigation failed: ${describeFailure(result)}`);
        await this.writeStatus(w);
        return { requeueAfterMs: wait };
      }
    }
  }

  private async mitigationDone(w: Work): Promise<ReconcileResult | void> {
    const s = w.status;
    s.orphanMitigationInProgress = false;
    s.asyncOpInProgress = false;
    s.unbindStatus = 'NotRequired';
    delete s.currentOperation;
    delete s.inProgressProperties;
    setCondition(s, 'OrphanMitigation', 'False', 'OrphanMitigationSuccessful', 'Orphan mitigation was completed successfully', w.generation);
    this.deps.recorder.event(w.b, 'Normal', 'OrphanMitigationSuccessful', 'Orphan mitigation was completed successfully');
    await this.writeStatus(w);
    if (w.b.metadata.deletionTimestamp) return this.reconcileDelete(w);
    return { requeueAfterMs: Math.max(1, msUntil(s.nextRetryTime)) };
  }

  private async startPolling(w: Work, op: Op, operation: string | undefined, reason: string, message: string): Promise<ReconcileResult> {
    const s = w.status;
    s.asyncOpInProgress = true;
    s.currentOperation = op;
    if (operation) s.lastOperation = operation;
    else delete s.lastOperation;
    const inst = this.instanceOf(w);
    const offering = inst ? resolveOffering(inst, this.deps.offerings) : undefined;
    const maxSeconds = offering && !isResolveFailure(offering) ? (offering.plan.spec as { maximumPollingDuration?: number }).maximumPollingDuration : undefined;
    if (typeof maxSeconds === 'number') s.pollDeadline = preciseTime(Date.now() + maxSeconds * 1000);
    const wait = pollDelayMs(this.deps.settings, undefined);
    s.nextRetryTime = preciseTime(Date.now() + wait);
    if (!s.orphanMitigationInProgress) setCondition(s, 'Ready', 'False', reason, message, w.generation);
    this.deps.recorder.event(w.b, 'Normal', reason, message);
    await this.writeStatus(w);
    return { requeueAfterMs: wait };
  }

  private async poll(w: Work, inst: KubeObject, o: Offering, osb: OsbClient): Promise<ReconcileResult | void> {
    const s = w.status;
    const op = (s.currentOperation ?? 'Bind') as Op;
    const wait = msUntil(s.nextRetryTime);
    if (wait > 0) return { requeueAfterMs: wait };
    const instanceId = (inst.spec as ServiceInstanceSpec).externalID!;
    const result = await osb.lastBindingOperation(instanceId, currentBindingId(w.b), {
      serviceId: o.serviceId,
      planId: o.planId,
      operation: s.lastOperation,
      for: op === 'Bind' ? 'bind' : 'unbind',
      originatingIdentity: s.orphanMitigationInProgress ? undefined : identityOf(w.spec.userInfo),
    });
    if (result.kind === 'inProgress' || result.kind === 'pollAgain') {
      if (s.pollDeadline && msUntil(s.pollDeadline) === 0) {
        return this.finishAsync(w, inst, o, osb, op, pollingExpired(op === 'Bind' ? 'bind' : 'unbind', pollLimitMs(o.plan, s.operationStartTime, s.pollDeadline), result.requestIdentity));
      }
      const next = pollDelayMs(this.deps.settings, result.retryAfterMs);
      s.nextRetryTime = preciseTime(Date.now() + next);
      await this.writeStatus(w);
      return { requeueAfterMs: next };
    }
    return this.finishAsync(w, inst, o, osb, op, result.kind === 'succeeded' || result.kind === 'gone' ? undefined : result);
  }

  private async finishAsync(w: Work, inst: KubeObject, o: Offering, osb: OsbClient, op: Op, failure: OsbFailure | undefined): Promise<ReconcileResult | void> {
    const s = w.status;
    s.asyncOpInProgress = false;
    delete s.lastOperation;
    delete s.pollDeadline;
    delete s.nextRetryTime;
    if (s.orphanMitigationInProgress) {
      if (!failure) return this.mitigationDone(w);
      return this.mitigateOrphan(w, inst, o, osb);
    }
    if (op === 'Unbind') return failure ? this.unbindFailed(w, failure) : this.unbound(w);
    if (failure) return this.bindFailed(w, failure);
    const fetched = await osb.getBinding((inst.spec as ServiceInstanceSpec).externalID!, currentBindingId(w.b), { serviceId: o.serviceId, planId: o.planId });
    if (fetched.kind !== 'done') {
      const message = fetched.kind === 'notFound' ? 'the broker does not know the binding' : describeFailure(fetched);
      return this.retryLater(w, 'ErrorFetchingBinding', `The asynchronous bind finished but its credentials could not be fetched: ${message}`);
    }
    return this.bound(w, o, (fetched.binding.credentials ?? {}) as Record<string, unknown>);
  }

  // ---- deletion ---------------------------------------------------------------------------------

  private async reconcileDelete(w: Work): Promise<ReconcileResult | void> {
    const b = w.b;
    if (!hasFinalizer(b)) return;
    const s = w.status;
    const atBroker = s.asyncOpInProgress === true || s.orphanMitigationInProgress === true || s.unbindStatus === 'Required' || s.unbindStatus === 'Failed';
    const release = async (): Promise<void> => {
      await deleteBindingSecret(this.deps.client, this.deps.resources, b);
      await removeFinalizer(this.deps.client, this.deps.resources.serviceBindings, w.b);
    };
    if (!atBroker) return release();
    const inst = this.instanceOf(w);
    const abandoned = b.metadata.annotations?.[abandonAnnotation] === 'true';
    if (abandoned || !inst) {
      const why = abandoned ? `the ${abandonAnnotation} annotation is "true"` : `its ServiceInstance "${w.spec.instanceRef?.name}" no longer exists`;
      this.deps.recorder.event(b, 'Warning', abandoned ? 'Abandoned' : 'Orphaned', `Deleted without unbinding because ${why}: service binding ${brokerBindingIds(b).join(', ')} ${brokerBindingIds(b).length > 1 ? 'are' : 'is'} left at the broker`);
      return release();
    }
    const offering = resolveOffering(inst, this.deps.offerings);
    if (isResolveFailure(offering)) return this.retryLater(w, 'UnbindCallFailed', `Cannot unbind: ${offering.message}${hint}`);
    return this.withBroker(
      w,
      offering,
      async (osb) => {
        if (s.asyncOpInProgress) return this.poll(w, inst, offering, osb);
        // A rotation's successor and the bindings it replaced go first; the current one last.
        const rot = rotationState(w.b);
        if (rot.successor || rot.retiring?.length) {
          const retiring = [...new Set([...(rot.retiring ?? []), ...(rot.successor ? [rot.successor] : [])])];
          await this.rotation.save(w, { ...rot, successor: undefined, operation: undefined, polling: undefined, retiring });
          const retired = await this.rotation.retire(w, inst, offering, osb);
          if (rotationState(w.b).retiring?.length) return retired;
        }
        // Only a failed unbind waits for its retry time; an earlier bind failure does not hold up the delete.
        if (s.lastError?.reason === 'UnbindCallFailed' && msUntil(s.nextRetryTime) > 0) return { requeueAfterMs: msUntil(s.nextRetryTime) };
        s.orphanMitigationInProgress = false;
        s.currentOperation = 'Unbind';
        s.operationStartTime = rfc3339(Date.now());
        await this.writeStatus(w);
        const result = await osb.unbind((inst.spec as ServiceInstanceSpec).externalID!, currentBindingId(w.b), {
          serviceId: offering.serviceId,
          planId: offering.planId,
          acceptsIncomplete: true,
          originatingIdentity: identityOf(w.spec.userInfo),
        });
        switch (result.kind) {
          case 'done':
          case 'gone':
            return this.unbound(w);
          case 'async':
            return this.startPolling(w, 'Unbind', result.operation, 'Unbinding', 'The binding is being removed asynchronously');
          case 'failed':
            return this.unbindFailed(w, result);
        }
      },
      hint,
    );
  }

  private async unbound(w: Work): Promise<void> {
    const s = w.status;
    s.unbindStatus = 'Succeeded';
    delete s.currentOperation;
    delete s.operationStartTime;
    delete s.externalProperties;
    clearFailure(s);
    setCondition(s, 'Ready', 'False', 'Unbound', 'The binding was deleted at the broker', w.generation);
    this.deps.recorder.event(w.b, 'Normal', 'Unbound', 'The binding was deleted at the broker');
    await this.writeStatus(w);
    await deleteBindingSecret(this.deps.client, this.deps.resources, w.b);
    await removeFinalizer(this.deps.client, this.deps.resources.serviceBindings, w.b);
  }

  private async unbindFailed(w: Work, f: OsbFailure): Promise<ReconcileResult> {
    delete w.status.currentOperation;
    return this.retryLater(w, 'UnbindCallFailed', `Unbind call failed: ${describeFailure(f)}${hint}`);
  }

  // ---- status -----------------------------------------------------------------------------------

  private async retryLater(w: Work, reason: string, message: string): Promise<ReconcileResult> {
    const wait = retryDelayMs(this.deps.settings, (w.status.retries ?? 0) + 1);
    markRetrying(w.status, reason, message, wait, w.generation);
    this.deps.recorder.event(w.b, 'Warning', reason, message);
    await this.writeStatus(w);
    return { requeueAfterMs: wait };
  }

  private async terminal(w: Work, reason: string, message: string): Promise<ReconcileResult> {
    markFailed(w.status, reason, message, w.generation);
    delete w.status.inProgressProperties;
    this.deps.recorder.event(w.b, 'Warning', reason, message);
    await this.writeStatus(w);
    return {};
  }

  private async writeStatus(w: Work): Promise<void> {
    const updated = await writeObjectStatus(this.deps.client, this.deps.resources.serviceBindings, w.b, w.status, this.written);
    if (!updated || updated === w.b) return;
    w.b = updated;
    w.status = structuredClone((updated.status ?? {}) as ServiceBindingStatus);
  }
}
