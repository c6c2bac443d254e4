import type { KubeObject } from '../../../api/index.js';
import { controllerFor, objectKey } from '../../../client/index.js';
import type { ControllerEntry } from '../../../controllers/index.js';
import { catalogResources } from '../internal/catalog-resources.js';
import { catalogSettings } from '../internal/catalog-settings.js';
import { offeringInformers } from '../internal/offerings.js';
import { InstanceReconciler } from './instance-reconciler.js';

/** ServiceInstances: provision, update and deprovision at their brokers. */
export const catalogInstanceController: ControllerEntry = {
  name: 'catalog-instance',
  setup(manager) {
    const r = catalogResources(manager);
    const settings = catalogSettings(manager);
    const inf = manager.informers;
    const instances = inf.informerFor(r.serviceInstances);
    const offerings = offeringInformers(manager, r);
    // A class, plan or broker that appears or changes may be what waiting instances need.
    const instancesInScope = (obj: KubeObject): string[] =>
      instances.store
        .list()
        .filter((i) => !obj.metadata.namespace || i.metadata.namespace === obj.metadata.namespace)
        .map(objectKey);
    const ofBinding = (b: KubeObject): string[] => {
      const name = (b.spec as { instanceRef?: { name?: string } } | undefined)?.instanceRef?.name;
      return name ? [`${b.metadata.namespace}/${name}`] : [];
    };
    const reconciler = new InstanceReconciler({
      client: manager.client,
      resources: r,
      instances,
      bindings: inf.informerFor(r.serviceBindings),
      offerings,
      recorder: manager.recorder('service-catalog-controller-manager'),
      settings,
    });
    const controller = controllerFor(inf, r.serviceInstances)
      .named('serviceinstance-controller')
      .watches(r.clusterServiceClasses, instancesInScope)
      .watches(r.serviceClasses, instancesInScope)
      .watches(r.clusterServicePlans, instancesInScope)
      .watches(r.servicePlans, instancesInScope)
      .watches(r.clusterServiceBrokers, instancesInScope)
      .watches(r.serviceBrokers, instancesInScope)
      .watches(r.serviceBindings, ofBinding)
      .complete(reconciler, { workers: settings.workers, logger: manager.logger });
    manager.add({ name: 'serviceinstance-controller', start: (signal) => controller.start(signal) });
  },
};
