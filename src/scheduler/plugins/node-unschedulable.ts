import type { Node } from 'kubernetes-types/core/v1.js';
import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import type { EnqueueExtensions, FilterPlugin } from '../framework/interfaces.js';
import { unresolvable, type Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { tolerated } from '../util/taints.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Keeps pods off cordoned nodes (spec.unschedulable) unless they tolerate the unschedulable taint. */
export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = 'NodeUnschedulable';
  private readonly rejection = unresolvable(ERR_REASON_UNSCHEDULABLE);

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (!node.unschedulable) return undefined;
    return tolerated(unschedulableTaint, pod.tolerations) ? undefined : this.rejection;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeTaint, label: 'NodeSchedulable' },
        hint: (_pod, _old, obj) => ((obj as Node | undefined)?.spec?.unschedulable ? 'QueueSkip' : 'Queue'),
      },
    ];
  }
}

export const newNodeUnschedulable = (): NodeUnschedulable => new NodeUnschedulable();
