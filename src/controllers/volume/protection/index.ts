import { controllerFor, objectKey, type Manager } from '../../../client/index.js';
import type { ControllerEntry } from '../../index.js';
import { ensureIndex } from '../../internal/indexes.js';
import { byPodClaim, claimNamesOf, podClaimIndex } from './pod-claims.js';
import { PvProtection } from './pv-protection.js';
import { PvcProtection } from './pvc-protection.js';

export { PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER } from './finalizers.js';
export { podUsesClaim } from './pod-claims.js';

/** Keeps `kubernetes.io/pvc-protection` on claims until no pod uses a claim being deleted (see `PvcProtection`). */
export const pvcProtectionController: ControllerEntry = {
  name: 'pvc-protection',
  setup(manager: Manager): void {
    const claims = manager.resource('', 'v1', 'persistentvolumeclaims');
    const pods = manager.resource('', 'v1', 'pods');
    const claimInformer = manager.informers.informerFor(claims);
    const podInformer = manager.informers.informerFor(pods);
    ensureIndex(podInformer, podClaimIndex, byPodClaim);
    const reconciler = new PvcProtection({ client: manager.client, claims, pods, claimInformer, podInformer });
    const controller = controllerFor(manager.informers, claims)
      .named('pvc-protection')
      // A pod that goes away or finishes may free a claim that waits to be deleted; only those are synced.
      .watches(pods, (pod) =>
        claimNamesOf(pod)
          .map((name) => claimInformer.store.getByName(pod.metadata.namespace, name))
          .filter((c) => c?.metadata.deletionTimestamp)
          .map((c) => objectKey(c!)),
      )
      .complete(reconciler, { workers: 2, logger: manager.logger });
    manager.add(controller);
  },
};

/** Keeps `kubernetes.io/pv-protection` on volumes until a volume being deleted is no longer Bound (see `PvProtection`). */
export const pvProtectionController: ControllerEntry = {
  name: 'pv-protection',
  setup(manager: Manager): void {
    const volumes = manager.resource('', 'v1', 'persistentvolumes');
    const volumeInformer = manager.informers.informerFor(volumes);
    const controller = controllerFor(manager.informers, volumes)
      .named('pv-protection')
      .complete(new PvProtection({ client: manager.client, volumes, volumeInformer }), { logger: manager.logger });
    manager.add(controller);
  },
};
