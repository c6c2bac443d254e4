import { isNotFound, type KubeObject } from '../../../api/index.js';
import type { ApiClient, Informer, Reconciler, ResourceDescriptor } from '../../../client/index.js';
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

  async reconcile(name: string): Promise<void> {
    const volume = this.o.volumeInformer.store.get(name);
    if (!volume) return;
    if (isDeletionCandidate(volume, PV_PROTECTION_FINALIZER)) {
      if ((volume.status as { phase?: string } | undefined)?.phase === 'Bound') return;
      await this.write(withoutFinalizer(volume, PV_PROTECTION_FINALIZER));
      return;
    }
    if (needsFinalizer(volume, PV_PROTECTION_FINALIZER)) await this.write(withFinalizer(volume, PV_PROTECTION_FINALIZER));
  }

  private async write(volume: KubeObject): Promise<void> {
    try {
      await this.o.client.update(this.o.volumes, volume);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
