import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import { PreFilterResult, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin } from '../framework/interfaces.js';
import { unresolvable, type Status } from '../framework/status.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Node } from 'kubernetes-types/core/v1.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod with spec.nodeName fits only that node. */
export class NodeName implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = 'NodeName';
  private readonly rejection = unresolvable(ERR_REASON_NODE_NAME);

  preFilter(_state: unknown, pod: PodInfo): PreFilterResult | undefined {
    const want = pod.pod.spec?.nodeName;
    return want ? new PreFilterResult(new Set([want])) : undefined;
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    const want = pod.pod.spec?.nodeName;
    return want && want !== node.name ? this.rejection : undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeLabel, label: 'NodeAdd' },
        hint: (pod, _old, obj) => ((obj as Node | undefined)?.metadata?.name === pod.spec?.nodeName ? 'Queue' : 'QueueSkip'),
      },
    ];
  }
}

export const newNodeName = (): NodeName => new NodeName();
