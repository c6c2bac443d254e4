import type { Manager } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { PodGarbageCollector } from './pod-garbage-collector.js';
import { podGcSettings } from './settings.js';

export { defaultPodGcSettings, podGcSettings, type PodGcSettings } from './settings.js';

/**
 * Pod garbage collection (Kubernetes' pod-garbage-collector): orphaned pods of deleted nodes, terminated
 * pods over the threshold, terminating pods no node will confirm. Settings come from
 * `manager.settings['pod-gc']` (see `PodGcSettings`).
 */
export const podGc: ControllerEntry = {
  name: 'pod-gc',
  setup(manager: Manager) {
    const settings = podGcSettings(manager.settings['pod-gc']);
    const pods = manager.resource('', 'v1', 'pods');
    const nodes = manager.resource('', 'v1', 'nodes');
    const collector = new PodGarbageCollector({
      client: manager.client,
      pods,
      nodes,
      podInformer: manager.informers.informerFor(pods),
      nodeInformer: manager.informers.informerFor(nodes),
      settings,
      logger: manager.logger,
    });
    manager.add({ name: 'pod-gc', start: (signal) => collector.run(signal) });
  },
};

export default podGc;
