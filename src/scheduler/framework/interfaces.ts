import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ClusterObjects } from '../snapshot/cluster-objects.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { CycleState } from './cycle-state.js';
import type { ClusterEventWithHint } from './events.js';
import type { Status } from './status.js';

/**
 * The extension points, one tiny interface each (kube-scheduler's framework/interface.go). A plugin
 * implements the ones it needs; the framework finds them with the type guards below.
 */
export interface Plugin {
  readonly name: string;
}

/** The highest score a Score plugin may give after normalization. */
export const MAX_NODE_SCORE = 100;

/** A PreFilter narrowing the nodes worth filtering (NodeName, NodeAffinity with metadata.name). */
export class PreFilterResult {
  constructor(readonly nodeNames: ReadonlySet<string>) {}
}

/** Adjusts a plugin's PreFilter state when preemption pretends to add or remove a pod on a node. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | undefined;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | undefined;
}

export interface PreFilterPlugin extends Plugin {
  /** Returns a PreFilterResult to narrow the nodes, Skip to skip this plugin's Filter, or a rejection. */
  preFilter(state: CycleState, pod: PodInfo): Status | PreFilterResult | undefined;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
}

/** Per-node outcome of filtering, for PostFilter and the failure message. */
export interface NodeToStatus {
  /** The explicit status of a node, or the status of nodes without one (PreFilter narrowing). */
  get(nodeName: string): Status | undefined;
  forEach(fn: (nodeName: string, status: Status) => void): void;
}

export interface PostFilterResult {
  /** The node to nominate; '' clears an earlier nomination. */
  nominatedNodeName?: string;
  /** `namespace/name` of the pods evicted to make room (for the explain record). */
  victims?: string[];
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): { result?: PostFilterResult; status?: Status };
}

export interface PreScorePlugin extends Plugin {
  /** Returns Skip when the plugin's Score has nothing to say for this pod. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales `scores` (aligned with `nodes`) into 0..MAX_NODE_SCORE, in place. */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: Float64Array, nodes: readonly NodeInfo[]): Status | undefined;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status | undefined;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Success, a rejection, or Wait with `timeoutMs` (a WaitStatus). */
  permit(state: CycleState, pod: PodInfo, nodeName: string): Status | undefined;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> | Status | undefined;
}

export interface BindPlugin extends Plugin {
  /** Skip hands the pod to the next Bind plugin. */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** The activeQ order: `less(a, b)` puts a before b. */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface EnqueueExtensions extends Plugin {
  /** The cluster events that may make a pod this plugin rejected schedulable. */
  eventsToRegister(): ClusterEventWithHint[];
}

/** A pod in the scheduling queue with its bookkeeping. */
export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod entered the queue (or was last moved back to activeQ), ms. */
  timestamp: number;
  /** When the pod was first seen, ms. */
  initialAttemptTimestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt; events for them move it back. */
  unschedulablePlugins: Set<string>;
  /** Plugins that said Pending in its last attempt. */
  pendingPlugins: Set<string>;
  /** ms at which the pod's backoff ends. */
  backoffExpiration: number;
}

/** What the framework hands to plugin factories: the snapshot, listers and callbacks to the outside. */
export interface Handle {
  readonly snapshot: Snapshot;
  readonly objects: ClusterObjects;
  /** The profile's schedulerName. */
  readonly profileName: string;
  /** Binds through the API (`pods/binding`); the default records the binding in memory. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Deletes a preemption victim through the API; the default removes it from the snapshot. */
  evict(victim: Pod, preemptor: Pod): Promise<void>;
  /** Pods nominated to run on `nodeName` (preemptors waiting for their victims to leave). */
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /**
   * Binds the volumes VolumeBinding chose at Reserve (PV-PVC bindings, the selected-node annotation for
   * provisioning) before the pod is bound; the API wiring provides it, in memory it is a no-op.
   */
  bindVolumes(pod: Pod, nodeName: string, decision: VolumeBindingDecision): Promise<void>;
  /** Clears the nominated node of a pod (after a preemption made the nomination moot). */
  clearNomination(pod: Pod): void;
  /** Lets a pod waiting at Permit go on to binding (false when no such pod waits). */
  allowWaitingPod(podKey: string): boolean;
  /** Rejects a pod waiting at Permit: it is unreserved and requeued. */
  rejectWaitingPod(podKey: string, message: string): boolean;
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | undefined;
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | undefined;
  /** Uniform in [0, 1); injectable for deterministic tests. */
  random(): number;
  now(): number;
}

/** What VolumeBinding decided for a pod on its node. */
export interface VolumeBindingDecision {
  /** PVC `namespace/name` -> the PV name chosen for it. */
  staticBindings: Map<string, string>;
  /** PVCs (`namespace/name`) to provision: Reserve asks for `volume.kubernetes.io/selected-node: <node>`. */
  provision: string[];
  selectedNode: string;
}

/** Builds a plugin from its pluginConfig args (already defaulted) and the handle. */
export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

// Type guards: the framework detects extension points by the methods a plugin has.
export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => typeof (p as PostFilterPlugin).postFilter === 'function';
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';
export const isReserve = (p: Plugin): p is ReservePlugin => typeof (p as ReservePlugin).reserve === 'function';
export const isPermit = (p: Plugin): p is PermitPlugin => typeof (p as PermitPlugin).permit === 'function';
export const isPreBind = (p: Plugin): p is PreBindPlugin => typeof (p as PreBindPlugin).preBind === 'function';
export const isBind = (p: Plugin): p is BindPlugin => typeof (p as BindPlugin).bind === 'function';
export const isPostBind = (p: Plugin): p is PostBindPlugin => typeof (p as PostBindPlugin).postBind === 'function';
export const isQueueSort = (p: Plugin): p is QueueSortPlugin => typeof (p as QueueSortPlugin).less === 'function';
export const isEnqueueExtensions = (p: Plugin): p is EnqueueExtensions =>
  typeof (p as EnqueueExtensions).eventsToRegister === 'function';

/** The extension point names, as the configuration spells them. */
export const extensionPoints = [
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;
export type ExtensionPoint = (typeof extensionPoints)[number];

export const extensionGuards: Record<ExtensionPoint, (p: Plugin) => boolean> = {
  queueSort: isQueueSort,
  preFilter: isPreFilter,
  filter: isFilter,
  postFilter: isPostFilter,
  preScore: isPreScore,
  score: isScore,
  reserve: isReserve,
  permit: isPermit,
  preBind: isPreBind,
  bind: isBind,
  postBind: isPostBind,
};
