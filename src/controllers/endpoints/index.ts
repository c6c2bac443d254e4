import { controllerFor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { servicesForPod, type Service } from '../internal/service-pods.js';
import type { Pod } from '../internal/types.js';
import { EndpointsReconciler } from './endpoints-reconciler.js';

export interface EndpointsControllerSettings {
  /** Work-queue workers (`--concurrent-endpoint-syncs`); 5 by default. */
  workers?: number;
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 5;

/** Endpoints: each selector Service's Endpoints list its ready and not-ready pods. */
export const endpointsController: ControllerEntry = {
  name: 'endpoints',
  defaultWorkers,
  setup(manager) {
    const settings = (manager.settings.endpoints ?? {}) as EndpointsControllerSettings;
    const services = manager.resource('', 'v1', 'services');
    const pods = manager.resource('', 'v1', 'pods');
    const endpoints = manager.resource('', 'v1', 'endpoints');
    const serviceInformer = manager.informers.informerFor<Service>(services);
    const reconciler = new EndpointsReconciler(
      manager.client,
      serviceInformer,
      manager.informers.informerFor<Pod>(pods),
      manager.informers.informerFor(endpoints),
      endpoints,
    );
    const controller = controllerFor(manager.informers, services)
      .named('endpoint-controller')
      .watches(pods, servicesForPod(serviceInformer))
      .watches(endpoints, reconciler.endpointsToService)
      .complete(reconciler, { workers: settings.workers ?? defaultWorkers, logger: manager.logger });
    manager.add({
      name: 'endpoints',
      start: async (signal) => {
        if (!(await controller.start(signal))) return;
        // Endpoints left behind by Services deleted while no controller ran.
        const endpointsInformer = manager.informers.informerFor(endpoints);
        for (const ep of endpointsInformer.store.list()) {
          if (!serviceInformer.store.getByName(ep.metadata.namespace, ep.metadata.name!)) controller.queue.add(`${ep.metadata.namespace}/${ep.metadata.name}`);
        }
      },
    });
  },
};
