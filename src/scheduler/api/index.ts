/**
 * The scheduler as an API client: `startScheduler` wires informers, bindings, evictions, status and
 * events to the scheduling core; `explainPod` answers `wharf explain pod`; `runSchedulerCommand` is
 * `wharf scheduler`.
 *
 * @example
 * const handle = await startScheduler({ client, signal });
 * console.log(await explainPod(client, 'default', 'web-0', 5));
 */
export { startScheduler, SCHEDULER_LEASE, type LeaderElectionSettings, type SchedulerHandle, type StartSchedulerOptions } from './start-scheduler.js';
export { explainPod, explainPodRecord, type ExplainPodOptions, type PodExplanation } from './explain-pod.js';
export { formatExplanation, type FormatOptions, type PodState } from './format-explanation.js';
export { runSchedulerCommand, type SchedulerCommandOptions } from './scheduler-command.js';
export { ClusterWriter, SELECTED_NODE_ANNOTATION, BOUND_BY_CONTROLLER_ANNOTATION, statusPatch, truncateMessage } from './cluster-writer.js';
