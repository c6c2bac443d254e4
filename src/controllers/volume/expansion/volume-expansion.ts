import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimCondition } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { isNotFound, type KubeObject } from '../../../api/index.js';
import { parseValue } from '../../../api/validation/quantity.js';
import type { ApiClient, EventRecorder, Informer, Reconciler, ResourceDescriptor } from '../../../client/index.js';

export const STORAGE_RESIZER_ANNOTATION = 'volume.kubernetes.io/storage-resizer';
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** Kubernetes' words for a claim handed to an external resizer. */
export const EXTERNAL_EXPANDING_MESSAGE = "Ignoring the PVC: didn't find a plugin capable of expanding the volume; waiting for an external controller to process this PVC.";

export interface VolumeExpansionOptions {
  client: ApiClient;
  recorder: EventRecorder;
  claims: ResourceDescriptor;
  claimInformer: Informer;
  volumeInformer: Informer;
  classInformer: Informer;
  /**
   * Finish `FileSystemResizePending` as a node would (Wharf's node agents have no filesystem to grow);
   * true by default.
   */
  finishNodeExpansion?: boolean;
}

function bytes(q: string | number | undefined): number {
  return q === undefined ? 0 : (parseValue(q) ?? 0);
}

const asObject = (o: PersistentVolumeClaim): KubeObject => o as unknown as KubeObject;

/**
 * Volume expansion, the control-plane half: a bound claim whose request grew past its PV goes to the
 * provisioner that made the PV (the `volume.kubernetes.io/storage-resizer` annotation it acts on) when
 * the class allows expansion, and says why not otherwise. The node half: a claim left
 * `FileSystemResizePending` gets its new `status.capacity` and loses the condition.
 */
export class VolumeExpansion implements Reconciler {
  constructor(private readonly opts: VolumeExpansionOptions) {}

  async reconcile(key: string): Promise<void> {
    const claim = this.opts.claimInformer.store.get(key) as unknown as PersistentVolumeClaim | undefined;
    if (!claim || claim.metadata?.deletionTimestamp || !claim.spec?.volumeName || claim.status?.phase !== 'Bound') return;
    const pv = this.opts.volumeInformer.store.get(claim.spec.volumeName) as unknown as PersistentVolume | undefined;
    if (!pv) return;
    const requested = claim.spec.resources?.requests?.storage;
    if (requested !== undefined && bytes(requested) > bytes(pv.spec?.capacity?.storage)) {
      await this.handOver(claim, pv);
      return;
    }
    const pending = (claim.status?.conditions ?? []).some((c) => c.type === 'FileSystemResizePending' && c.status === 'True');
    if (pending && this.opts.finishNodeExpansion !== false) await this.finishOnNode(claim, pv);
  }

  private async handOver(claim: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const className = claim.spec?.storageClassName ?? '';
    const cls = this.opts.classInformer.store.get(className) as unknown as StorageClass | undefined;
    if (!cls?.allowVolumeExpansion) {
      this.opts.recorder.event(asObject(claim), 'Warning', 'VolumeResizeFailed', `storageclass "${className}" does not allow volume expansion`);
      return;
    }
    const resizer = pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION];
    if (!resizer) {
      this.opts.recorder.event(asObject(claim), 'Warning', 'VolumeResizeFailed', 'only dynamically provisioned volumes can be resized');
      return;
    }
    if (claim.metadata?.annotations?.[STORAGE_RESIZER_ANNOTATION] === resizer) return;
    await this.patch(claim, { metadata: { annotations: { [STORAGE_RESIZER_ANNOTATION]: resizer } } });
    this.opts.recorder.event(asObject(claim), 'Normal', 'ExternalExpanding', EXTERNAL_EXPANDING_MESSAGE);
  }

  private async finishOnNode(claim: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const capacity = pv.spec?.capacity?.storage;
    if (!capacity) return;
    const rest: PersistentVolumeClaimCondition[] = (claim.status?.conditions ?? []).filter((c) => c.type !== 'FileSystemResizePending' && c.type !== 'Resizing');
    await this.patch(claim, { status: { capacity: { storage: capacity }, conditions: rest.length > 0 ? rest : null } }, 'status');
    this.opts.recorder.event(asObject(claim), 'Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata?.name ?? ''}"`);
  }

  private async patch(claim: PersistentVolumeClaim, body: unknown, subresource?: string): Promise<void> {
    try {
      await this.opts.client.patch(this.opts.claims, claim.metadata?.name ?? '', body, { type: 'merge', namespace: claim.metadata?.namespace, subresource });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
