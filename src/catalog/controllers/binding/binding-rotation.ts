/**
 * Credential rotation of a ServiceBinding (OSB 2.17 `binding_rotatable`), asked for with the
 * `servicecatalog.wharf.dev/rotate` annotation: a successor bound with `predecessor_binding_id`, its
 * credentials written into the binding's Secret, and the predecessor unbound once they are. What it
 * remembers is in the `servicecatalog.wharf.dev/rotation` annotation (see `rotation-state.ts`).
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../api/index.js';
import type { ServiceInstanceSpec } from '../../../api/resources/servicecatalog/index.js';
import { rfc3339 } from '../../../api/rfc3339.js';
import type { ApiClient, EventRecorder, ReconcileResult } from '../../../client/index.js';
import { pollingExpired, type OsbClient, type OsbFailure } from '../../osb/index.js';
import { annotationOf, planRotatable, rotateAnnotation, rotationStateAnnotation, writeAnnotations } from '../../wharf-annotations.js';
import { describeFailure } from '../internal/broker-client.js';
import type { CatalogResources } from '../internal/catalog-resources.js';
import { pollDelayMs, retryDelayMs, type ResolvedCatalogSettings } from '../internal/catalog-settings.js';
import { clearFailure, preciseTime, recordFailure, retryingIn, setCondition } from '../internal/conditions.js';
import type { FreshObjects } from '../internal/fresh-objects.js';
import type { Offering } from '../internal/offerings.js';
import { identityOf } from '../internal/originating-identity.js';
import { TransformError, writeBindingSecret } from './binding-secret.js';
import type { BindingWork } from './binding-work.js';
import { currentBindingId, encodeRotationState, rotationRequested, rotationState, type RotationState } from './rotation-state.js';

export interface RotationDeps {
  client: ApiClient;
  resources: CatalogResources;
  recorder: EventRecorder;
  settings: ResolvedCatalogSettings;
}

export class BindingRotation {
  constructor(
    private readonly deps: RotationDeps,
    private readonly written: FreshObjects,
    private readonly writeStatus: (w: BindingWork) => Promise<void>,
  ) {}

  /**
   * One step of a credential rotation: retire replaced bindings, start a rotation the user asked for (a
   * successor bound with `predecessor_binding_id`), or follow the one under way. The binding stays Ready
   * throughout: its Secret keeps working credentials until the successor's replace them.
   */
  async step(w: BindingWork, inst: KubeObject, o: Offering, osb: OsbClient): Promise<ReconcileResult | void> {
    const rot = rotationState(w.b);
    if (!rot.successor && rot.retiring?.length) return this.retire(w, inst, o, osb);
    const current = currentBindingId(w.b);
    if (!rot.successor) {
      if (!rotationRequested(w.b)) return;
      const token = annotationOf(w.b, rotateAnnotation);
      if (!planRotatable(o.plan)) {
        const message = `The plan "${String((o.plan.spec as { externalName?: string }).externalName)}" of ${o.userClass} does not support binding rotation (binding_rotatable); the credentials stay as they are`;
        this.deps.recorder.event(w.b, 'Warning', 'RotationNotSupported', message);
        await this.save(w, { ...rot, observed: token });
        return;
      }
      rot.successor = randomUUID();
      rot.startedAt = rfc3339(Date.now());
      await this.save(w, rot);
      const message = `Rotating the credentials: binding ${rot.successor} succeeds binding ${current}`;
      this.deps.recorder.event(w.b, 'Normal', 'RotatingCredentials', message);
      setCondition(w.status, 'Ready', 'True', 'RotatingCredentials', message, w.generation);
      await this.writeStatus(w);
    }
    const successor = rot.successor;
    const instanceId = (inst.spec as ServiceInstanceSpec).externalID!;
    if (rot.polling) {
      const result = await osb.lastBindingOperation(instanceId, successor, {
        serviceId: o.serviceId,
        planId: o.planId,
        operation: rot.operation,
        for: 'bind',
        originatingIdentity: identityOf(w.spec.userInfo),
      });
      if (result.kind === 'inProgress' || result.kind === 'pollAgain') {
        const maxSeconds = (o.plan.spec as { maximumPollingDuration?: number }).maximumPollingDuration;
        const started = Date.parse(rot.startedAt ?? '') || Date.now();
        if (typeof maxSeconds === 'number' && Date.now() - started >= maxSeconds * 1000) {
          return this.rotationFailed(w, pollingExpired('bind', maxSeconds * 1000, result.requestIdentity));
        }
        const next = pollDelayMs(this.deps.settings, result.retryAfterMs);
        await this.save(w, { ...rot, notBefore: preciseTime(Date.now() + next) });
        return { requeueAfterMs: next };
      }
      if (result.kind !== 'succeeded') {
        return this.rotationFailed(w, result.kind === 'failed' ? result : { kind: 'failed', reason: 'operationFailed', description: 'The broker no longer knows the successor binding', retryable: true, orphanMitigation: false, requestIdentity: '' });
      }
      const fetched = await osb.getBinding(instanceId, successor, { serviceId: o.serviceId, planId: o.planId });
      if (fetched.kind === 'done') return this.rotated(w, inst, o, osb, (fetched.binding.credentials ?? {}) as Record<string, unknown>);
      const description = fetched.kind === 'notFound' ? 'the broker does not know the successor binding' : describeFailure(fetched);
      return this.rotationFailed(w, { kind: 'failed', reason: 'operationFailed', description: `The successor was bound but its credentials could not be fetched: ${description}`, retryable: true, orphanMitigation: true, requestIdentity: '' });
    }
    const ns = w.b.metadata.namespace!;
    const result = await osb.bind(
      instanceId,
      successor,
      // The broker takes the parameters from the predecessor: rotation needs nobody to provide them again.
      { service_id: o.serviceId, plan_id: o.planId, context: { platform: 'kubernetes', namespace: ns }, predecessor_binding_id: current },
      { acceptsIncomplete: true, originatingIdentity: identityOf(w.spec.userInfo) },
    );
    switch (result.kind) {
      case 'done':
        return this.rotated(w, inst, o, osb, (result.response.credentials ?? {}) as Record<string, unknown>);
      case 'async': {
        const wait = pollDelayMs(this.deps.settings, undefined);
        await this.save(w, { ...rot, polling: true, ...(result.operation ? { operation: result.operation } : {}), notBefore: preciseTime(Date.now() + wait) });
        return { requeueAfterMs: wait };
      }
      case 'alreadyExists':
        return this.rotationFailed(w, { kind: 'failed', reason: 'rejected', status: 409, description: `The broker has another binding with id ${successor}: ${result.description}`, retryable: false, orphanMitigation: false, requestIdentity: result.requestIdentity });
      case 'failed':
        return this.rotationFailed(w, result);
    }
  }

  /** The successor holds the credentials: write them, make it current, and retire its predecessor. */
  private async rotated(w: BindingWork, inst: KubeObject, o: Offering, osb: OsbClient, credentials: Record<string, unknown>): Promise<ReconcileResult | void> {
    const rot = rotationState(w.b);
    const previous = currentBindingId(w.b);
    try {
      const kind = { type: String((o.cls.spec as { externalName?: string }).externalName ?? ''), provider: o.brokerName };
      await writeBindingSecret(this.deps.client, this.deps.resources, w.b, credentials, kind);
    } catch (e) {
      if (!(e instanceof TransformError)) throw e;
      return this.rotationFailed(w, { kind: 'failed', reason: 'operationFailed', description: `Error injecting the rotated credentials: ${e.message}`, retryable: true, orphanMitigation: false, requestIdentity: '' }, true);
    }
    const successor = rot.successor!;
    await this.save(w, { bindingID: successor, retiring: [...(rot.retiring ?? []), previous], observed: annotationOf(w.b, rotateAnnotation) });
    const message = `Rotated the credentials: binding ${successor} replaced binding ${previous}`;
    clearFailure(w.status);
    setCondition(w.status, 'Ready', 'True', 'InjectedBindResult', message, w.generation);
    this.deps.recorder.event(w.b, 'Normal', 'RotatedCredentials', message);
    await this.writeStatus(w);
    return this.retire(w, inst, o, osb);
  }

  /**
   * A rotation that failed leaves the current credentials in place. A successor the broker may hold is
   * retired like any replaced binding (orphan mitigation); a failure worth retrying is, with backoff, and
   * any other ends this request (a new `rotate` value asks again).
   */
  private async rotationFailed(w: BindingWork, f: OsbFailure, keepSuccessor = false): Promise<ReconcileResult | void> {
    const rot = rotationState(w.b);
    const successor = rot.successor!;
    const message = `Rotating the credentials failed: ${describeFailure(f)}`;
    const next: RotationState = { ...rot, successor: undefined, operation: undefined, polling: undefined, startedAt: undefined };
    if (f.orphanMitigation) next.retiring = [...(rot.retiring ?? []), successor];
    // Nothing was created (or it is there and fine): the same successor id is asked for again.
    else if (keepSuccessor || f.retryable) Object.assign(next, { successor, startedAt: rot.startedAt });
    if (f.retryable || f.orphanMitigation || keepSuccessor) {
      next.failures = (rot.failures ?? 0) + 1;
      const wait = retryDelayMs(this.deps.settings, next.failures);
      next.notBefore = preciseTime(Date.now() + wait);
      recordFailure(w.status, 'RotationFailed', `${message}${retryingIn(wait)}`, wait);
      this.deps.recorder.event(w.b, 'Warning', 'RotationFailed', message);
      await this.save(w, next);
      await this.writeStatus(w);
      return { requeueAfterMs: wait };
    }
    next.observed = annotationOf(w.b, rotateAnnotation);
    delete next.failures;
    w.status.lastError = { reason: 'RotationFailed', message: `${message}; the binding keeps its current credentials`, time: rfc3339(Date.now()) };
    this.deps.recorder.event(w.b, 'Warning', 'RotationFailed', w.status.lastError.message);
    await this.save(w, next);
    await this.writeStatus(w);
    return next.retiring?.length ? { requeueAfterMs: 1 } : undefined;
  }

  /** Unbinds the bindings a rotation replaced (or a failed one may have left); DELETE again until 200 or 410. */
  async retire(w: BindingWork, inst: KubeObject, o: Offering, osb: OsbClient): Promise<ReconcileResult | void> {
    const rot = rotationState(w.b);
    const instanceId = (inst.spec as ServiceInstanceSpec).externalID!;
    const left: string[] = [];
    let wait: number | undefined;
    let failed = false;
    for (const id of rot.retiring ?? []) {
      const result = await osb.unbind(instanceId, id, { serviceId: o.serviceId, planId: o.planId, acceptsIncomplete: true, originatingIdentity: identityOf(w.spec.userInfo) });
      if (result.kind === 'done' || result.kind === 'gone') {
        this.deps.recorder.event(w.b, 'Normal', 'UnboundPredecessor', `Unbound binding ${id} at the broker`);
        continue;
      }
      left.push(id);
      if (result.kind === 'async') {
        wait = Math.min(wait ?? Infinity, pollDelayMs(this.deps.settings, undefined));
        continue;
      }
      failed = true;
      const backoff = retryDelayMs(this.deps.settings, (rot.failures ?? 0) + 1);
      wait = Math.min(wait ?? Infinity, backoff);
      this.deps.recorder.event(w.b, 'Warning', 'UnbindPredecessorFailed', `Unbinding the replaced binding ${id} failed: ${describeFailure(result)}${retryingIn(backoff)}`);
    }
    const next: RotationState = { ...rot, retiring: left };
    if (left.length > 0 && wait !== undefined) {
      next.notBefore = preciseTime(Date.now() + wait);
      if (failed) next.failures = (rot.failures ?? 0) + 1;
    } else {
      delete next.notBefore;
      delete next.failures;
    }
    await this.save(w, next);
    if (left.length > 0) return { requeueAfterMs: wait ?? 1 };
    return rotationRequested(w.b) ? { requeueAfterMs: 1 } : undefined;
  }

  async save(w: BindingWork, rot: RotationState): Promise<void> {
    const updated = await writeAnnotations(this.deps.client, this.deps.resources.serviceBindings, w.b, { [rotationStateAnnotation]: encodeRotationState(rot) });
    if (updated === w.b) return;
    this.written.remember(updated);
    w.b = updated;
  }
}
