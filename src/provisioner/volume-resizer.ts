import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimCondition } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { isNotFound } from '../api/index.js';
import type { ApiClient, ReconcileResult } from '../client/index.js';
import type { EventSink } from './paced-recorder.js';
import { PROVISIONED_BY_ANNOTATION, STORAGE_RESIZER_ANNOTATION } from './annotations.js';
import { asObject, bytesOf, parametersOf, requestedStorage, rfc3339 } from './claim-helpers.js';
import type { ProvisionResources } from './provision-controller.js';
import type { Provisioner } from './provisioner.js';
import type { RetryGate } from './retry-gate.js';

export interface VolumeResizerOptions {
  client: ApiClient;
  resources: ProvisionResources;
  provisioner: Provisioner;
  recorder: EventSink;
  gate: RetryGate;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
}

/** Kubernetes' wording for a claim whose volume grew but whose filesystem waits for the node. */
export const FILE_SYSTEM_RESIZE_PENDING_MESSAGE = 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';

function condition(type: string, message?: string): PersistentVolumeClaimCondition {
  return { type, status: 'True', lastTransitionTime: rfc3339(), ...(message ? { message } : {}) };
}

/**
 * The controller side of volume expansion, as an external resizer does it: for a bound claim the
 * expansion controller handed to this provisioner (`volume.kubernetes.io/storage-resizer`) whose request
 * exceeds its PV, mark the claim `Resizing` with `allocatedResources`, grow the backing, write the PV's new
 * capacity, then either mark `FileSystemResizePending` (the node finishes) or finish at once.
 */
export class VolumeResizer {
  constructor(private readonly opts: VolumeResizerOptions) {}

  async reconcile(key: string, claim: PersistentVolumeClaim, signal: AbortSignal): Promise<ReconcileResult | void> {
    const { provisioner } = this.opts;
    if (claim.metadata?.annotations?.[STORAGE_RESIZER_ANNOTATION] !== provisioner.name) return;
    const pv = this.opts.volume(claim.spec?.volumeName ?? '');
    if (!pv || pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION] !== provisioner.name) return;
    const requested = requestedStorage(claim);
    if (!requested || bytesOf(requested) <= bytesOf(pv.spec?.capacity?.storage)) return;
    const cls = this.opts.storageClass(claim.spec?.storageClassName ?? '');
    const gateKey = `resize:${key}`;
    const wait = this.opts.gate.wait(gateKey);
    if (wait > 0) return { requeueAfterMs: wait };
    if (!cls?.allowVolumeExpansion || !provisioner.expand) {
      // Nothing to retry until the class changes; the expansion controller already said why.
      return;
    }
    const pvName = pv.metadata?.name ?? '';
    await this.patchStatus(claim, { allocatedResources: { storage: requested }, conditions: [condition('Resizing')] });
    this.opts.recorder.event(asObject(claim), 'Normal', 'Resizing', `External resizer is resizing volume ${pvName}`);
    let result;
    try {
      result = await provisioner.expand({ pv, claim, parameters: parametersOf(cls), capacity: requested, capacityBytes: bytesOf(requested) }, signal);
    } catch (e) {
      result = { status: 'Failure' as const, message: e instanceof Error ? e.message : String(e) };
    }
    if (result.status !== 'Success') {
      const { delayMs } = this.opts.gate.failed(gateKey);
      const message = `resize volume "${pvName}" by resizer "${provisioner.name}" failed: ${result.message}`;
      this.opts.recorder.event(asObject(claim), 'Warning', 'VolumeResizeFailed', message);
      await this.patchStatus(claim, { conditions: [{ ...condition('ControllerResizeError', message) }] });
      return result.status === 'NotSupported' ? undefined : { requeueAfterMs: delayMs };
    }
    this.opts.gate.succeeded(gateKey);
    await this.opts.client.patch(this.opts.resources.volumes, pvName, { spec: { capacity: { storage: result.capacity } } }, { type: 'merge' });
    this.opts.recorder.event(asObject(claim), 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
    if (result.nodeExpansionRequired) {
      await this.patchStatus(claim, { conditions: [condition('FileSystemResizePending', FILE_SYSTEM_RESIZE_PENDING_MESSAGE)] });
    } else {
      await this.patchStatus(claim, { capacity: { storage: result.capacity }, conditions: null });
    }
  }

  private async patchStatus(claim: PersistentVolumeClaim, status: Record<string, unknown>): Promise<void> {
    try {
      await this.opts.client.patch(this.opts.resources.claims, claim.metadata?.name ?? '', { status }, { type: 'merge', namespace: claim.metadata?.namespace, subresource: 'status' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
