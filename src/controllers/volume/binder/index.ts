import { isConflict } from '../../../api/index.js';
import { controllerFor, ExponentialFailureRateLimiter, objectKey, sleep, type Controller, type Informer, type Manager, type ReconcileResult } from '../../../client/index.js';
import { PacedRecorder } from '../../../provisioner/index.js';
import type { ControllerEntry } from '../../index.js';
import { ensureIndex } from '../../internal/indexes.js';
import { byPodClaim, podClaimIndex } from '../protection/pod-claims.js';
import { ANN_BIND_COMPLETED } from './annotations.js';
import { PersistentVolumeBinder } from './persistent-volume-binder.js';
import { binderSettings } from './settings.js';
import { claimClass, claimRefKey, volumeClass, type Claim, type Volume } from './volume-matching.js';

export * from './annotations.js';
export { binderSettings, defaultBinderSettings, type BinderSettings } from './settings.js';
export { findBestMatch, type Claim, type Volume } from './volume-matching.js';

/**
 * A write that lost to a newer copy is tried again shortly, when the informer holds that copy. Conflicts
 * are routine here (four writes per bind, two workers per object pair), so they are not logged as errors.
 */
export async function requeueOnConflict(run: () => Promise<void>): Promise<ReconcileResult | void> {
  try {
    await run();
  } catch (e) {
    if (isConflict(e)) return { requeueAfterMs: 100 };
    throw e;
  }
}

/**
 * Failed syncs retry per key, 20 ms doubling to 30 s, without the default limiter's overall 10/s bucket:
 * when a thousand claims fail at once (an API server restarting, say) the bucket would space their
 * retries over minutes. Conflicts do not come here (see `requeueOnConflict`).
 */
function retryLimiter(): ExponentialFailureRateLimiter {
  return new ExponentialFailureRateLimiter(20, 30_000);
}

/** Volumes by the claim their claimRef names (`namespace/name`). */
const volumeClaimIndex = 'wharf.io/volume-claim';

/**
 * Kubernetes' PersistentVolume controller (`persistentvolume-binder`): binds claims to volumes, hands
 * claims to provisioners, keeps phases and applies reclaim policies (see `PersistentVolumeBinder`).
 * Settings come from `manager.settings['persistentvolume-binder']` (see `BinderSettings`).
 */
export const persistentVolumeBinderController: ControllerEntry = {
  name: 'persistentvolume-binder',
  setup(manager: Manager): void {
    const settings = binderSettings(manager.settings['persistentvolume-binder']);
    const volumes = manager.resource('', 'v1', 'persistentvolumes');
    const claims = manager.resource('', 'v1', 'persistentvolumeclaims');
    const classes = manager.resource('storage.k8s.io', 'v1', 'storageclasses');
    const pods = manager.resource('', 'v1', 'pods');
    const volumeInformer = manager.informers.informerFor<Volume>(volumes);
    const claimInformer = manager.informers.informerFor<Claim>(claims);
    const classInformer = manager.informers.informerFor(classes);
    const podInformer: Informer = manager.informers.informerFor(pods);
    ensureIndex(podInformer, podClaimIndex, byPodClaim);
    ensureIndex(volumeInformer, volumeClaimIndex, (v) => {
      const key = claimRefKey(v as Volume);
      return key ? [key] : [];
    });

    let claimController: Controller | undefined;
    const binder = new PersistentVolumeBinder({
      client: manager.client,
      volumes,
      claims,
      volumeInformer,
      claimInformer,
      classInformer,
      podInformer,
      // Paced: the claims of a burst would otherwise start as many event writes (and connections) at once.
      recorder: new PacedRecorder(manager.recorder('persistentvolume-controller')),
      enqueueClaim: (key) => claimController?.queue.add(key),
    });

    const unboundClaimsOfClass = (name: string): string[] =>
      claimInformer.store
        .list()
        .filter((c) => claimClass(c) === name && c.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined)
        .map(objectKey);
    const waitingClaimsOfClass = (name: string): string[] =>
      claimInformer.store
        .list()
        .filter((c) => claimClass(c) === name && !c.spec?.volumeName && c.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined)
        .map(objectKey);
    claimController = controllerFor(manager.informers, claims)
      .named('persistentvolume-binder-claims')
      // A volume's changes (a provisioned one arriving, a deletion) concern the claim it names; a volume
      // that becomes free concerns the claims of its class still waiting, instead of the next resync.
      .watches(volumes, (v) => {
        const key = claimRefKey(v as Volume);
        if (key) return [key];
        return (v as Volume).status?.phase === 'Available' ? waitingClaimsOfClass(volumeClass(v as Volume)) : [];
      })
      .watches(classes, (cls) => unboundClaimsOfClass(cls.metadata.name ?? ''))
      // Listed so the pod cache syncs first (WaitForFirstConsumer events name pods); pods enqueue nothing.
      .watches(pods, () => [])
      .complete({ reconcile: (key) => requeueOnConflict(() => binder.syncClaim(key)) }, { workers: settings.workers, logger: manager.logger, rateLimiter: retryLimiter() });

    const volumeController = controllerFor(manager.informers, volumes)
      .named('persistentvolume-binder-volumes')
      // A claim's changes (binding, deletion) concern its volume and any volume naming it.
      .watches(claims, (c) => {
        const names = new Set(volumeInformer.store.indexKeys(volumeClaimIndex, objectKey(c)));
        const volumeName = (c as Claim).spec?.volumeName;
        if (volumeName) names.add(volumeName);
        return [...names];
      })
      .complete({ reconcile: (name) => requeueOnConflict(() => binder.syncVolume(name)) }, { workers: settings.volumeWorkers, logger: manager.logger, rateLimiter: retryLimiter() });

    manager.add(claimController);
    manager.add(volumeController);
    manager.add({
      name: 'persistentvolume-binder-resync',
      async start(signal) {
        const synced = await Promise.all([volumeInformer.waitForSync(signal), claimInformer.waitForSync(signal)]);
        if (!synced.every(Boolean)) return;
        while (!signal.aborted) {
          await sleep(settings.syncPeriodMs, signal);
          if (signal.aborted) return;
          for (const key of claimInformer.store.listKeys()) claimController!.queue.add(key);
          for (const key of volumeInformer.store.listKeys()) volumeController.queue.add(key);
        }
      },
    });
  },
};

export default persistentVolumeBinderController;
