import type { KubeObject } from '../../../api/index.js';
import { controllerFor, objectKey } from '../../../client/index.js';
import type { ControllerEntry } from '../../../controllers/index.js';
import { catalogResources } from '../internal/catalog-resources.js';
import { catalogSettings } from '../internal/catalog-settings.js';
import { offeringInformers } from '../internal/offerings.js';
import { BindingReconciler } from './binding-reconciler.js';

/** ServiceBindings: bind, deliver the credentials as a Secret, unbind on delete. */
export const catalogBindingController: ControllerEntry = {
  name: 'catalog-binding',
  setup(manager) {
    const r = catalogResources(manager);
    const settings = catalogSettings(manager);
    const inf = manager.informers;
    const bindings = inf.informerFor(r.serviceBindings);
    const offerings = offeringInformers(manager, r);
    // An instance that becomes ready (or goes) is what its bindings wait for.
    const bindingsOfInstance = (i: KubeObject): string[] =>
      bindings.store
        .list()
        .filter((b) => b.metadata.namespace === i.metadata.namespace && (b.spec as { instanceRef?: { name?: string } } | undefined)?.instanceRef?.name === i.metadata.name)
        .map(objectKey);
    const reconciler = new BindingReconciler({
      client: manager.client,
      resources: r,
      bindings,
      instances: inf.informerFor(r.serviceInstances),
      offerings,
      recorder: manager.recorder('service-catalog-controller-manager'),
      settings,
    });
    const controller = controllerFor(inf, r.serviceBindings)
      .named('servicebinding-controller')
      .watches(r.serviceInstances, bindingsOfInstance)
      .owns(r.secrets)
      .complete(reconciler, { workers: settings.workers, logger: manager.logger });
    manager.add({ name: 'servicebinding-controller', start: (signal) => controller.start(signal) });
  },
};
