import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import type { EnqueueExtensions, FilterPlugin } from '../framework/interfaces.js';
import { unschedulable, type Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** A pod's host ports must be free on the node (0.0.0.0 conflicts with every address). */
export class NodePorts implements FilterPlugin, EnqueueExtensions {
  readonly name = 'NodePorts';
  private readonly rejection = unschedulable(ERR_REASON_PORTS);

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (pod.hostPorts.length === 0 || node.usedPorts.size === 0) return undefined;
    for (const p of pod.hostPorts) if (node.usedPorts.conflicts(p)) return this.rejection;
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: 'Pod', action: ActionType.Delete, label: 'AssignedPodDelete' } },
      { event: { resource: 'Node', action: ActionType.Add | ActionType.Update, label: 'NodeChange' } },
    ];
  }
}

export const newNodePorts = (): NodePorts => new NodePorts();
