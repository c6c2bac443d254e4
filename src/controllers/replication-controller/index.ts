import type { ControllerEntry } from '../index.js';
import { mapSelector, ReplicaManager } from '../internal/replica-manager.js';

/** ReplicationControllers: ReplicaSets' logic over a map selector. */
export const replicationControllerController: ControllerEntry = {
  name: 'replicationcontroller',
  setup(manager) {
    ReplicaManager.setup(manager, {
      name: 'replicationcontroller',
      component: 'replication-controller',
      resource: manager.resource('', 'v1', 'replicationcontrollers'),
      selectorOf: mapSelector,
    });
  },
};
