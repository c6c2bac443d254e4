import type { PluginFactory } from '../framework/interfaces.js';
import { newDefaultBinder } from './default-binder.js';
import { newDefaultPreemption } from './default-preemption/index.js';
import { newInterPodAffinity } from './inter-pod-affinity/index.js';
import { newNodeAffinity } from './node-affinity.js';
import { newNodeName } from './node-name.js';
import { newNodePorts } from './node-ports.js';
import { newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';
import { newNodeResourcesFit } from './node-resources-fit.js';
import { newNodeUnschedulable } from './node-unschedulable.js';
import { newPodTopologySpread } from './pod-topology-spread/index.js';
import { newPrioritySort } from './priority-sort.js';
import { newTaintToleration } from './taint-toleration.js';
import { newVolumeBinding } from './volume-binding.js';

/** Every in-tree plugin, by the name profiles use. The only file that lists them. */
export const inTreeRegistry: Readonly<Record<string, PluginFactory>> = {
  PrioritySort: newPrioritySort,
  NodeUnschedulable: newNodeUnschedulable,
  NodeName: newNodeName,
  TaintToleration: newTaintToleration,
  NodeAffinity: newNodeAffinity,
  NodePorts: newNodePorts,
  NodeResourcesFit: newNodeResourcesFit,
  VolumeBinding: newVolumeBinding,
  PodTopologySpread: newPodTopologySpread,
  InterPodAffinity: newInterPodAffinity,
  DefaultPreemption: newDefaultPreemption,
  NodeResourcesBalancedAllocation: newNodeResourcesBalancedAllocation,
  DefaultBinder: newDefaultBinder,
};

/** Merges out-of-tree plugins into the in-tree registry; a name registered twice is an error. */
export function mergeRegistry(extra: Readonly<Record<string, PluginFactory>> = {}): Record<string, PluginFactory> {
  const out: Record<string, PluginFactory> = { ...inTreeRegistry };
  for (const [name, f] of Object.entries(extra)) {
    if (name in out) throw new Error(`a plugin named ${name} already exists`);
    out[name] = f;
  }
  return out;
}
