/**
 * The scheduler's public surface. The API wiring constructs a `Scheduler`, feeds it informer events
 * (addNode/updateNode/removeNode, addPod/updatePod/removePod, setObject/deleteObject), passes `bind`,
 * `evict`, `bindVolumes`, `onScheduled` and `onFailure` callbacks, and calls `run()`.
 *
 * @example
 * const s = new Scheduler({ bind: (pod, node) => client.bindPod(pod, node) });
 * s.addNode(node); s.addPod(pendingPod); void s.run();
 */
export { Scheduler, podScheduledCondition, nodeUpdateAction, type SchedulerOptions, type SchedulingFailure } from './scheduler.js';
export { parseSchedulerConfig, resolveSchedulerConfig } from './config/parse-config.js';
export { ConfigError, type KubeSchedulerConfiguration, type KubeSchedulerProfile, type ResolvedConfiguration } from './config/types.js';
export { DEFAULT_SCHEDULER_NAME } from './config/defaults.js';
export type { ExplainRecord, NodeScoreRecord, NodeVerdict, PluginScoreRecord } from './framework/explain.js';
export type { Handle, Plugin, PluginFactory, VolumeBindingDecision } from './framework/interfaces.js';
export { Status, Code } from './framework/status.js';
export { ActionType, type ClusterEvent } from './framework/events.js';
export type { ClusterObjectKind, ClusterObjectKinds } from './snapshot/cluster-objects.js';
export { inTreeRegistry } from './plugins/registry.js';
