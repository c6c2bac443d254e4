import type { ControllerEntry } from '../index.js';
import { mapSelector, ReplicaManager, replicaManagerWorkers } from '../internal/replica-manager.js';

/** ReplicationControllers: ReplicaSets' logic over a map selector. */
export const replicationControllerController: ControllerEntry = {
  name: 'replication-controller',
  defaultWorkers: replicaManagerWorkers,
  setup(manager) {
    ReplicaManager.setup(manager, {
      name: 'replication-controller',
      component: 'replication-controller',
      resource: manager.resource('', 'v1', 'replicationcontrollers'),
      selectorOf: mapSelector,
    });
  },
};
