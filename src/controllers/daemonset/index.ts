import { deepEqual, type KubeObject } from '../../api/index.js';
import { controllerFor, objectKey, type Manager } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { ControllerHistory } from '../workload-internal/controller-history.js';
import { PendingWrites } from '../workload-internal/pending-writes.js';
import { DaemonSetReconciler } from './daemon-set-reconciler.js';

/** `manager.settings.daemonset`. */
export interface DaemonSetControllerSettings {
  /** Work-queue workers (`--concurrent-daemonset-syncs`); 4 by default. */
  workers?: number;
}

/** What of a node decides whether daemon pods belong on it; heartbeats change none of it. */
function placementFacts(node: KubeObject): unknown {
  return [node.metadata.labels, (node.spec as { taints?: unknown } | undefined)?.taints];
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 4;

/** Runs a DaemonSet's pod on every eligible node (see `DaemonSetReconciler`). */
export const daemonSetController: ControllerEntry = {
  name: 'daemonset',
  defaultWorkers,
  setup(manager: Manager): void {
    const settings = (manager.settings.daemonset ?? {}) as DaemonSetControllerSettings;
    const daemonSetsResource = manager.resource('apps', 'v1', 'daemonsets');
    const podsResource = manager.resource('', 'v1', 'pods');
    const nodesResource = manager.resource('', 'v1', 'nodes');
    const daemonSets = manager.informers.informerFor(daemonSetsResource);
    const pods = manager.informers.informerFor(podsResource);
    const nodes = manager.informers.informerFor(nodesResource);
    const revisionsResource = manager.resource('apps', 'v1', 'controllerrevisions');
    const revisions = manager.informers.informerFor(revisionsResource);
    const reconciler = new DaemonSetReconciler({
      client: manager.client,
      recorder: manager.recorder('daemonset-controller'),
      daemonSets,
      pods,
      nodes,
      podsResource,
      daemonSetsResource,
      pendingPods: new PendingWrites(pods),
      history: new ControllerHistory({ client: manager.client, revisions, revisionsResource }),
    });
    const controller = controllerFor(manager.informers, daemonSetsResource)
      .named('daemonset-controller')
      .owns(podsResource)
      .owns(revisionsResource)
      // Listed so the node cache syncs before the first reconcile; node events are handled below.
      .watches(nodesResource, () => [])
      .complete(reconciler, { workers: settings.workers ?? defaultWorkers, logger: manager.logger });
    const all = (): void => {
      for (const ds of daemonSets.store.list()) controller.queue.add(objectKey(ds));
    };
    nodes.addEventHandler({
      onAdd: all,
      onUpdate: (old, cur) => {
        if (!deepEqual(placementFacts(old), placementFacts(cur))) all();
      },
      onDelete: all,
    });
    manager.add(controller);
  },
};
