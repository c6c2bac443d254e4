import { isConflict, isNotFound, type KubeObject } from '../../../api/index.js';
import type { ApiClient, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../../client/index.js';
import { isDeletionCandidate, needsFinalizer, PV_PROTECTION_FINALIZER, withFinalizer, withoutFinalizer } from './finalizers.js';

export interface PvProtectionOptions {
  client: ApiClient;
  volumes: ResourceDescriptor;
  volumeInformer: Informer;
}

/**
 * Kubernetes' PV protection controller: every volume carries `kubernetes.io/pv-protection`, and a volume
 * being deleted loses it only once it is no longer Bound, so a claim never points at a vanished volume.
 */
export class PvProtection implements Reconciler {
  constructor(private readonly o: PvProtectionOptions) {}

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const volume = this.o.volumeInformer.store.get(name);
    if (!volume) return;
    if (isDeletionCandidate(volume, PV_PROTECTION_FINALIZER)) {
      if ((volume.status as { phase?: string } | undefined)?.phase === 'Bound') return;
      return this.write(withoutFinalizer(volume, PV_PROTECTION_FINALIZER));
    }
    if (needsFinalizer(volume, PV_PROTECTION_FINALIZER)) return this.write(withFinalizer(volume, PV_PROTECTION_FINALIZER));
  }

  private async write(volume: KubeObject): Promise<ReconcileResult | void> {
    try {
      await this.o.client.update(this.o.volumes, volume);
    } catch (e) {
      // Gone: nothing left to protect. A conflict is retried soon on the newer copy, without an error log.
      if (isNotFound(e)) return;
      if (isConflict(e)) return { requeueAfterMs: 100 };
      throw e;
    }
  }
}
