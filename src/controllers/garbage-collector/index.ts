import type { ResourceDescriptor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { GarbageCollector } from './garbage-collector.js';

/** Resources whose objects commonly carry ownerReferences; the ones the server does not serve are skipped. */
const watchedResources: readonly [string, string, string][] = [
  ['', 'v1', 'pods'],
  ['', 'v1', 'replicationcontrollers'],
  ['', 'v1', 'services'],
  ['', 'v1', 'endpoints'],
  ['', 'v1', 'configmaps'],
  ['', 'v1', 'secrets'],
  ['', 'v1', 'persistentvolumeclaims'],
  ['', 'v1', 'serviceaccounts'],
  ['apps', 'v1', 'deployments'],
  ['apps', 'v1', 'replicasets'],
  ['apps', 'v1', 'statefulsets'],
  ['apps', 'v1', 'daemonsets'],
  ['apps', 'v1', 'controllerrevisions'],
  ['batch', 'v1', 'jobs'],
  ['batch', 'v1', 'cronjobs'],
  ['discovery.k8s.io', 'v1', 'endpointslices'],
  ['policy', 'v1', 'poddisruptionbudgets'],
];

export interface GarbageCollectorSettings {
  /** Workers processing the dependency graph (`--concurrent-gc-syncs`); 20 by default. */
  workers?: number;
}

/** Workers processing the graph without `settings.workers`. */
const defaultWorkers = 20;

/** The garbage collector: background, foreground and orphan deletion through ownerReferences. */
export const garbageCollectorController: ControllerEntry = {
  name: 'garbage-collector',
  defaultWorkers,
  setup(manager) {
    const settings = (manager.settings['garbage-collector'] ?? {}) as GarbageCollectorSettings;
    const resources: ResourceDescriptor[] = [];
    for (const [group, version, plural] of watchedResources) {
      try {
        resources.push(manager.resource(group, version, plural));
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
    }
    const gc = new GarbageCollector(manager, resources, { workers: settings.workers ?? defaultWorkers });
    manager.add({ name: 'garbage-collector', start: (signal) => gc.start(signal) });
  },
};
