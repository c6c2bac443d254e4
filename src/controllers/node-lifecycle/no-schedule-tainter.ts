import type { KubeObject } from '../../api/index.js';
import type { ApiClient, Informer, Reconciler, ResourceDescriptor } from '../../client/index.js';
import { updateNodeTaints } from './taint-writer.js';
import { managedNoScheduleKeys, wantedNoScheduleTaints, type Taint } from './taints.js';

function sameKeys(a: readonly Taint[], b: readonly Taint[]): boolean {
  return a.length === b.length && a.every((t) => b.some((u) => u.key === t.key));
}

/**
 * Keeps a node's NoSchedule condition taints (not-ready, unreachable, memory-, disk-, pid-pressure,
 * network-unavailable) and the unschedulable taint of a cordoned node in line with its status and
 * `spec.unschedulable` (Kubernetes' taint-nodes-by-condition). Other taints are left alone.
 */
export class NoScheduleTainter implements Reconciler {
  constructor(
    private readonly client: ApiClient,
    private readonly nodes: ResourceDescriptor,
    private readonly nodeInformer: Informer,
  ) {}

  async reconcile(key: string): Promise<void> {
    const node: KubeObject | undefined = this.nodeInformer.store.get(key);
    if (!node) return;
    const wanted = wantedNoScheduleTaints(node);
    const isManaged = (t: Taint): boolean => t.effect === 'NoSchedule' && managedNoScheduleKeys.has(t.key);
    await updateNodeTaints(this.client, this.nodes, node, (taints) => {
      const have = taints.filter(isManaged);
      if (sameKeys(have, wanted)) return taints;
      return [...taints.filter((t) => !isManaged(t)), ...wanted];
    });
  }
}
