import type { ControllerEntry } from '../index.js';
import { ReplicaManager, replicaManagerWorkers, replicaSetSelector } from '../internal/replica-manager.js';

/** ReplicaSets: keeps `spec.replicas` pods matching the selector, adopting orphans and releasing strays. */
export const replicaSetController: ControllerEntry = {
  name: 'replicaset',
  defaultWorkers: replicaManagerWorkers,
  setup(manager) {
    ReplicaManager.setup(manager, {
      name: 'replicaset',
      component: 'replicaset-controller',
      resource: manager.resource('apps', 'v1', 'replicasets'),
      selectorOf: replicaSetSelector,
    });
  },
};
