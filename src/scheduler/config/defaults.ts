import type { PluginRef } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/**
 * The default profile's plugins, in upstream's multiPoint order, with upstream's default score weights
 * (TaintToleration 3; NodeAffinity, PodTopologySpread and InterPodAffinity 2; the resource scores 1).
 */
export const defaultMultiPoint: readonly PluginRef[] = [
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeBinding' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'DefaultBinder' },
];

export const DEFAULT_POD_INITIAL_BACKOFF_SECONDS = 1;
export const DEFAULT_POD_MAX_BACKOFF_SECONDS = 10;
