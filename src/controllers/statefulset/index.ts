import { controllerFor, controllerOwnerKeys, type Manager } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { ControllerHistory } from '../workload-internal/controller-history.js';
import { PendingWrites } from '../workload-internal/pending-writes.js';
import { StatefulSetReconciler } from './stateful-set-reconciler.js';

/** `manager.settings.statefulset`. */
export interface StatefulSetControllerSettings {
  /** Work-queue workers (`--concurrent-statefulset-syncs`); 4 by default. */
  workers?: number;
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 4;

/** Keeps StatefulSets' pods and claims in step with their specs (see `StatefulSetReconciler`). */
export const statefulSetController: ControllerEntry = {
  name: 'statefulset',
  defaultWorkers,
  setup(manager: Manager): void {
    const settings = (manager.settings.statefulset ?? {}) as StatefulSetControllerSettings;
    const setsResource = manager.resource('apps', 'v1', 'statefulsets');
    const podsResource = manager.resource('', 'v1', 'pods');
    const claimsResource = manager.resource('', 'v1', 'persistentvolumeclaims');
    const sets = manager.informers.informerFor(setsResource);
    const pods = manager.informers.informerFor(podsResource);
    const claims = manager.informers.informerFor(claimsResource);
    const revisionsResource = manager.resource('apps', 'v1', 'controllerrevisions');
    const revisions = manager.informers.informerFor(revisionsResource);
    const reconciler = new StatefulSetReconciler({
      client: manager.client,
      recorder: manager.recorder('statefulset-controller'),
      sets,
      pods,
      claims,
      podsResource,
      claimsResource,
      setsResource,
      pendingPods: new PendingWrites(pods),
      history: new ControllerHistory({ client: manager.client, revisions, revisionsResource }),
    });
    const ownerKeys = controllerOwnerKeys(setsResource);
    const controller = controllerFor(manager.informers, setsResource)
      .named('statefulset-controller')
      .owns(podsResource)
      .owns(revisionsResource)
      // Claims are owned by the set only under some retention policies, so map them by any owner reference.
      .watches(claimsResource, (c) => {
        const ref = c.metadata.ownerReferences?.find((r) => r.kind === 'StatefulSet' && r.apiVersion.startsWith('apps/'));
        return ref ? [`${c.metadata.namespace}/${ref.name}`] : ownerKeys(c);
      })
      .complete(reconciler, { workers: settings.workers ?? defaultWorkers, logger: manager.logger });
    manager.add(controller);
  },
};
