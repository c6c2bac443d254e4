import type { Manager } from '../../../client/index.js';
import { controllerFor } from '../../../client/index.js';
import type { ControllerEntry } from '../../../controllers/index.js';
import { catalogResources } from '../internal/catalog-resources.js';
import { catalogSettings } from '../internal/catalog-settings.js';
import { BrokerReconciler, type BrokerScope } from './broker-reconciler.js';

function setupScope(manager: Manager, name: string, scope: BrokerScope): void {
  const resources = catalogResources(manager);
  const settings = catalogSettings(manager);
  const informers = manager.informers;
  const reconciler = new BrokerReconciler({
    client: manager.client,
    resources,
    scope,
    brokers: informers.informerFor(scope.brokers),
    classes: informers.informerFor(scope.classes),
    plans: informers.informerFor(scope.plans),
    recorder: manager.recorder('service-catalog-controller-manager'),
    settings,
  });
  const controller = controllerFor(informers, scope.brokers).named(name).complete(reconciler, { workers: settings.workers, logger: manager.logger });
  manager.add({ name, start: (signal) => controller.start(signal) });
}

/** ClusterServiceBrokers and ServiceBrokers: their catalogs become classes and plans. */
export const catalogBrokerController: ControllerEntry = {
  name: 'catalog-broker',
  setup(manager) {
    const r = catalogResources(manager);
    setupScope(manager, 'clusterservicebroker-controller', {
      brokers: r.clusterServiceBrokers,
      classes: r.clusterServiceClasses,
      plans: r.clusterServicePlans,
      brokerKind: 'ClusterServiceBroker',
      classKind: 'ClusterServiceClass',
      planKind: 'ClusterServicePlan',
      brokerField: 'clusterServiceBrokerName',
      classRefField: 'clusterServiceClassRef',
      classProperty: 'spec.clusterServiceClass.name',
    });
    setupScope(manager, 'servicebroker-controller', {
      brokers: r.serviceBrokers,
      classes: r.serviceClasses,
      plans: r.servicePlans,
      brokerKind: 'ServiceBroker',
      classKind: 'ServiceClass',
      planKind: 'ServicePlan',
      brokerField: 'serviceBrokerName',
      classRefField: 'serviceClassRef',
      classProperty: 'spec.serviceClass.name',
    });
  },
};
