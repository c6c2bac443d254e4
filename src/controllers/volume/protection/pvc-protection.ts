import { isNotFound, type KubeObject } from '../../../api/index.js';
import type { ApiClient, Informer, Logger, Reconciler, ResourceDescriptor } from '../../../client/index.js';
import { isDeletionCandidate, needsFinalizer, PVC_PROTECTION_FINALIZER, withFinalizer, withoutFinalizer } from './finalizers.js';
import { podClaimIndex, podUsesClaim } from './pod-claims.js';

export interface PvcProtectionOptions {
  client: ApiClient;
  claims: ResourceDescriptor;
  pods: ResourceDescriptor;
  claimInformer: Informer;
  /** Pods indexed by `podClaimIndex`. */
  podInformer: Informer;
  logger: Logger;
}

/**
 * Kubernetes' PVC protection controller: every claim carries `kubernetes.io/pvc-protection`, and a claim
 * being deleted loses it only once no scheduled, unfinished pod mounts it, so data is not pulled from
 * under a running pod. The pod cache may lag, so "unused" is confirmed by listing pods from the server.
 */
export class PvcProtection implements Reconciler {
  constructor(private readonly o: PvcProtectionOptions) {}

  async reconcile(key: string): Promise<void> {
    const claim = this.o.claimInformer.store.get(key);
    if (!claim) return;
    if (isDeletionCandidate(claim, PVC_PROTECTION_FINALIZER)) {
      if (await this.isInUse(claim)) {
        this.o.logger(`pvc-protection: keeping claim "${key}" because it is being used`);
        return;
      }
      await this.write(withoutFinalizer(claim, PVC_PROTECTION_FINALIZER));
      return;
    }
    // Admission adds the finalizer at creation; this covers claims created without it.
    if (needsFinalizer(claim, PVC_PROTECTION_FINALIZER)) await this.write(withFinalizer(claim, PVC_PROTECTION_FINALIZER));
  }

  private async isInUse(claim: KubeObject): Promise<boolean> {
    const cached = this.o.podInformer.store.byIndex(podClaimIndex, `${claim.metadata.namespace}/${claim.metadata.name}`);
    if (cached.some((p) => podUsesClaim(p, claim))) return true;
    const live = await this.o.client.list(this.o.pods, { namespace: claim.metadata.namespace });
    return live.items.some((p) => podUsesClaim(p, claim));
  }

  private async write(claim: KubeObject): Promise<void> {
    try {
      await this.o.client.update(this.o.claims, claim);
    } catch (e) {
      // Gone already: nothing left to protect. Anything else (a conflict) retries on a newer copy.
      if (!isNotFound(e)) throw e;
    }
  }
}
