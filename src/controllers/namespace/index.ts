import { controllerFor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { NamespaceDeleter, type NamespaceDeleterOptions } from './namespace-deleter.js';

export interface NamespaceControllerSettings extends NamespaceDeleterOptions {
  /** Work-queue workers (`--concurrent-namespace-syncs`); 10 by default. */
  workers?: number;
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 10;

/** Namespaces: deleting one deletes everything in it, then releases the `kubernetes` finalizer. */
export const namespaceController: ControllerEntry = {
  name: 'namespace',
  defaultWorkers,
  setup(manager) {
    const settings = (manager.settings.namespace ?? {}) as NamespaceControllerSettings;
    const namespaces = manager.resource('', 'v1', 'namespaces');
    const deleter = new NamespaceDeleter(manager.client, manager.informers.informerFor(namespaces), namespaces, settings);
    const controller = controllerFor(manager.informers, namespaces)
      .named('namespace-controller')
      .complete(deleter, { workers: settings.workers ?? defaultWorkers, logger: manager.logger });
    manager.add({ name: 'namespace', start: (signal) => controller.start(signal) });
  },
};
