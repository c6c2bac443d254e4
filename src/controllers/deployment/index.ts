import { controllerFor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { DeploymentReconciler } from './deployment-reconciler.js';

export interface DeploymentControllerSettings {
  /** Work-queue workers (`--concurrent-deployment-syncs`); 5 by default. */
  workers?: number;
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 5;

/** Deployments: ReplicaSets per template, rolling updates, Recreate, pause, rollback support and status. */
export const deploymentController: ControllerEntry = {
  name: 'deployment',
  defaultWorkers,
  setup(manager) {
    const settings = (manager.settings.deployment ?? {}) as DeploymentControllerSettings;
    const resources = {
      deployments: manager.resource('apps', 'v1', 'deployments'),
      replicaSets: manager.resource('apps', 'v1', 'replicasets'),
      pods: manager.resource('', 'v1', 'pods'),
    };
    const reconciler = new DeploymentReconciler(manager, resources);
    const controller = controllerFor(manager.informers, resources.deployments)
      .named('deployment-controller')
      .owns(resources.replicaSets, reconciler.replicaSetToDeployments)
      .watches(resources.pods, reconciler.podToDeployment)
      .complete(reconciler, { workers: settings.workers ?? defaultWorkers, logger: manager.logger });
    manager.add({ name: 'deployment', start: (signal) => controller.start(signal) });
  },
};
