import { controllerFor, type Informer, type Manager, type ResourceDescriptor } from '../../client/index.js';
import type { KubeObject } from '../../api/index.js';
import type { ControllerEntry } from '../index.js';
import type { Pod } from '../internal/types.js';
import { DisruptionReconciler, type PodDisruptionBudget } from './disruption-reconciler.js';

export interface DisruptionControllerSettings {
  workers?: number;
}

function optionalInformer(manager: Manager, group: string, version: string, plural: string): Informer<KubeObject & { spec?: { replicas?: number } }> | undefined {
  let r: ResourceDescriptor;
  try {
    r = manager.resource(group, version, plural);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  return manager.informers.informerFor(r);
}

/** PodDisruptionBudgets: currentHealthy, desiredHealthy, expectedPods and disruptionsAllowed for eviction. */
export const disruptionController: ControllerEntry = {
  name: 'disruption',
  setup(manager) {
    const settings = (manager.settings.disruption ?? {}) as DisruptionControllerSettings;
    const pdbs = manager.resource('policy', 'v1', 'poddisruptionbudgets');
    const pods = manager.resource('', 'v1', 'pods');
    const scalables = {
      replicaSets: optionalInformer(manager, 'apps', 'v1', 'replicasets'),
      deployments: optionalInformer(manager, 'apps', 'v1', 'deployments'),
      replicationControllers: optionalInformer(manager, '', 'v1', 'replicationcontrollers'),
      statefulSets: optionalInformer(manager, 'apps', 'v1', 'statefulsets'),
    };
    const reconciler = new DisruptionReconciler(
      manager.client,
      { pdbs: manager.informers.informerFor<PodDisruptionBudget>(pdbs), pods: manager.informers.informerFor<Pod>(pods), ...scalables },
      pdbs,
      manager.recorder('controllermanager'),
    );
    const controller = controllerFor(manager.informers, pdbs)
      .named('disruption-controller')
      .watches(pods, reconciler.podToBudgets)
      .complete(reconciler, { workers: settings.workers ?? 1, logger: manager.logger });
    manager.add({
      name: 'disruption',
      start: async (signal) => {
        // Percentages need the controllers' scales: wait for those caches too, not just budgets and pods.
        manager.informers.start(signal);
        const synced = await Promise.all(Object.values(scalables).map((i) => i?.waitForSync(signal) ?? true));
        if (synced.every(Boolean)) await controller.start(signal);
      },
    });
  },
};
