/** The cluster changes that can make an unschedulable pod schedulable (upstream ClusterEvent). */
export type EventResource =
  | 'Pod'
  | 'Node'
  | 'PersistentVolume'
  | 'PersistentVolumeClaim'
  | 'StorageClass'
  | 'Namespace'
  | 'Service'
  | 'PodDisruptionBudget'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'ReplicationController'
  | '*';

/** Bit flags, so a plugin registers several actions at once. */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdateNodeAnnotation: 64,
  UpdatePodLabel: 128,
  UpdatePodScaleDown: 256,
  UpdatePodToleration: 512,
  UpdatePodSchedulingGatesEliminated: 1024,
  /** Any other update (objects other than pods and nodes, or fields not named above). */
  UpdateOther: 2048,
  Update: 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048,
  All: 0xfff,
} as const;

export interface ClusterEvent {
  resource: EventResource;
  /** ActionType bits. */
  action: number;
  /** Short text for logs and the explain record ("NodeAdd", "AssignedPodDelete"...). */
  label?: string;
}

export type QueueingHint = 'Queue' | 'QueueSkip';

/**
 * An event a plugin cares about, with an optional hint that looks at the changed objects and says whether
 * this particular change could help the pod the plugin rejected.
 */
export interface ClusterEventWithHint {
  event: ClusterEvent;
  hint?: (pod: import('kubernetes-types/core/v1.js').Pod, oldObj: unknown, newObj: unknown) => QueueingHint;
}

/** Whether a registered event covers the event that happened. */
export function eventMatches(registered: ClusterEvent, happened: ClusterEvent): boolean {
  return (registered.resource === '*' || registered.resource === happened.resource) && (registered.action & happened.action) !== 0;
}

/** The event the queue reports for pods that were rejected with no plugin to blame. */
export const unschedulableTimeout: ClusterEvent = { resource: '*', action: ActionType.All, label: 'UnschedulableTimeout' };
