import { isConflict, isNotFound, type KubeObject } from '../../../api/index.js';
import type { ApiClient, Informer, Reconciler, ReconcileResult, ResourceDescriptor } from '../../../client/index.js';
import { isDeletionCandidate, needsFinalizer, PVC_PROTECTION_FINALIZER, withFinalizer, withoutFinalizer } from './finalizers.js';
import { podClaimIndex, podUsesClaim } from './pod-claims.js';

export interface PvcProtectionOptions {
  client: ApiClient;
  claims: ResourceDescriptor;
  pods: ResourceDescriptor;
  claimInformer: Informer;
  /** Pods indexed by `podClaimIndex`. */
  podInformer: Informer;
}

/**
 * Kubernetes' PVC protection controller: every claim carries `kubernetes.io/pvc-protection`, and a claim
 * being deleted loses it only once no scheduled, unfinished pod mounts it, so data is not pulled from
 * under a running pod. The pod cache may lag, so "unused" is confirmed by listing pods from the server.
 */
export class PvcProtection implements Reconciler {
  constructor(private readonly o: PvcProtectionOptions) {}

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const claim = this.o.claimInformer.store.get(key);
    if (!claim) return;
    if (isDeletionCandidate(claim, PVC_PROTECTION_FINALIZER)) {
      // Still used: the pod's going (or finishing) syncs the claim again.
      if (await this.isInUse(claim)) return;
      return this.write(withoutFinalizer(claim, PVC_PROTECTION_FINALIZER));
    }
    // Admission adds the finalizer at creation; this covers claims created without it.
    if (needsFinalizer(claim, PVC_PROTECTION_FINALIZER)) return this.write(withFinalizer(claim, PVC_PROTECTION_FINALIZER));
  }

  private async isInUse(claim: KubeObject): Promise<boolean> {
    const cached = this.o.podInformer.store.byIndex(podClaimIndex, `${claim.metadata.namespace}/${claim.metadata.name}`);
    if (cached.some((p) => podUsesClaim(p, claim))) return true;
    const live = await this.o.client.list(this.o.pods, { namespace: claim.metadata.namespace });
    return live.items.some((p) => podUsesClaim(p, claim));
  }

  private async write(claim: KubeObject): Promise<ReconcileResult | void> {
    try {
      await this.o.client.update(this.o.claims, claim);
    } catch (e) {
      // Gone: nothing left to protect. A conflict is retried soon on the newer copy, without an error log.
      if (isNotFound(e)) return;
      if (isConflict(e)) return { requeueAfterMs: 100 };
      throw e;
    }
  }
}
