import type { Manager } from '../../client/index.js';
import { controllerFor } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { NodeHealthMonitor } from './node-health-monitor.js';
import { NoScheduleTainter } from './no-schedule-tainter.js';
import { nodeLifecycleSettings } from './settings.js';
import { TaintEvictionController } from './taint-eviction.js';

export { defaultNodeLifecycleSettings, nodeLifecycleSettings, type NodeLifecycleSettings } from './settings.js';

/** The pods-by-node index this controller adds to the shared pod informer. */
export const podsByNodeIndex = 'node-lifecycle/spec.nodeName';

/**
 * The node lifecycle controller (Kubernetes' node-lifecycle-controller and taint-eviction-controller):
 * node health from Leases and status, condition and cordon taints, rate-limited NoExecute tainting per
 * zone, and eviction of pods that do not tolerate NoExecute taints. Settings come from
 * `manager.settings['node-lifecycle']` (see `NodeLifecycleSettings`).
 */
export const nodeLifecycle: ControllerEntry = {
  name: 'node-lifecycle',
  setup(manager: Manager) {
    const settings = nodeLifecycleSettings(manager.settings['node-lifecycle']);
    const nodes = manager.resource('', 'v1', 'nodes');
    const pods = manager.resource('', 'v1', 'pods');
    const leases = manager.resource('coordination.k8s.io', 'v1', 'leases');
    const nodeInformer = manager.informers.informerFor(nodes);
    const podInformer = manager.informers.informerFor(pods);
    const leaseInformer = manager.informers.informerFor(leases, { namespace: 'kube-node-lease' });
    try {
      podInformer.addIndexers({ [podsByNodeIndex]: (pod) => [String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '')] });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
    const recorder = manager.recorder('node-controller');
    const monitor = new NodeHealthMonitor({ client: manager.client, nodes, pods, nodeInformer, leaseInformer, podInformer, podsByNodeIndex, recorder, settings, logger: manager.logger });
    const eviction = new TaintEvictionController({ client: manager.client, pods, nodeInformer, podInformer, podsByNodeIndex, recorder: manager.recorder('taint-eviction-controller'), logger: manager.logger });
    const tainter = controllerFor(manager.informers, nodes).named('node-lifecycle-taints').complete(new NoScheduleTainter(manager.client, nodes, nodeInformer), { logger: manager.logger });
    manager.add({ name: 'node-lifecycle-monitor', start: (signal) => monitor.run(signal) });
    manager.add({ name: 'taint-eviction', start: (signal) => eviction.run(signal) });
    manager.add({
      name: 'node-lifecycle-taints',
      start: async (signal) => {
        await tainter.start(signal);
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        await tainter.stop();
      },
    });
  },
};

export default nodeLifecycle;
