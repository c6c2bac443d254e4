import { controllerFor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { ensureIndex } from '../internal/indexes.js';
import { servicesForPod, type Service } from '../internal/service-pods.js';
import type { Pod } from '../internal/types.js';
import { byService, EndpointSliceReconciler, serviceIndex, type EndpointSlice, type EndpointSliceReconcilerOptions } from './endpoint-slice-reconciler.js';

export interface EndpointSliceControllerSettings extends EndpointSliceReconcilerOptions {
  /** Work-queue workers (`--concurrent-service-endpoint-syncs`); 5 by default. */
  workers?: number;
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 5;

/** EndpointSlices: each selector Service's pods, per address family and port set, 100 to a slice. */
export const endpointSliceController: ControllerEntry = {
  name: 'endpointslice',
  defaultWorkers,
  setup(manager) {
    const settings = (manager.settings.endpointslice ?? {}) as EndpointSliceControllerSettings;
    const services = manager.resource('', 'v1', 'services');
    const pods = manager.resource('', 'v1', 'pods');
    const nodes = manager.resource('', 'v1', 'nodes');
    const slices = manager.resource('discovery.k8s.io', 'v1', 'endpointslices');
    const serviceInformer = manager.informers.informerFor<Service>(services);
    const sliceInformer = manager.informers.informerFor<EndpointSlice>(slices);
    ensureIndex(sliceInformer, serviceIndex, byService);
    const reconciler = new EndpointSliceReconciler(
      manager.client,
      serviceInformer,
      manager.informers.informerFor<Pod>(pods),
      sliceInformer,
      manager.informers.informerFor(nodes),
      slices,
      settings,
    );
    const controller = controllerFor(manager.informers, services)
      .named('endpointslice-controller')
      .watches(pods, servicesForPod(serviceInformer))
      .watches(slices, reconciler.sliceToService)
      .complete(reconciler, { workers: settings.workers ?? defaultWorkers, logger: manager.logger });
    manager.add({ name: 'endpointslice', start: (signal) => controller.start(signal) });
  },
};
