import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { resolveSchedulerConfig } from './config/parse-config.js';
import { DEFAULT_SCHEDULER_NAME } from './config/defaults.js';
import type { KubeSchedulerConfiguration, ResolvedConfiguration } from './config/types.js';
import type { CycleState } from './framework/cycle-state.js';
import { fitErrorMessage } from './framework/diagnosis.js';
import { ActionType, type ClusterEvent, type ClusterEventWithHint } from './framework/events.js';
import type { ExplainRecord, NodeVerdict } from './framework/explain.js';
import { Framework } from './framework/framework.js';
import type { PluginFactory, QueuedPodInfo, VolumeBindingDecision } from './framework/interfaces.js';
import { Code, codeNames, errorStatus, unschedulable, type Status } from './framework/status.js';
import { mergeRegistry } from './plugins/registry.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { PodScheduler, type ScheduleOutcome } from './schedule-pod.js';
import type { ClusterObjectKind, ClusterObjectKinds } from './snapshot/cluster-objects.js';
import { podInfo, podKey, type PodInfo } from './snapshot/pod-info.js';
import { Snapshot } from './snapshot/snapshot.js';
import { rfc3339 } from '../api/rfc3339.js';

/** Why a scheduling attempt failed, in the words the FailedScheduling event and PodScheduled condition use. */
export interface SchedulingFailure {
  /** `Unschedulable` when no node fits; `SchedulerError` for internal errors (then the pod backs off). */
  reason: 'Unschedulable' | 'SchedulerError';
  /** The FailedScheduling event message ("0/5000 nodes are available: ..."). */
  message: string;
  /** Set by preemption: the node the pod waits for; '' clears an earlier nomination. */
  nominatedNodeName?: string;
}

export interface SchedulerOptions {
  /** A KubeSchedulerConfiguration object or an already resolved one; defaults to one default profile. */
  config?: KubeSchedulerConfiguration | ResolvedConfiguration;
  /** Out-of-tree plugins by name. */
  plugins?: Readonly<Record<string, PluginFactory>>;
  /**
   * Binds a pod (POST pods/binding). Rejecting fails the binding: the pod is forgotten and retried.
   * Default: recorded in memory (`scheduler.bindings`).
   */
  bind?(pod: Pod, nodeName: string): Promise<void>;
  /** Deletes a preemption victim. Default: removed from the snapshot at once. */
  evict?(victim: Pod, preemptor: Pod): Promise<void>;
  /** Binds the volumes VolumeBinding chose (PV claimRefs, selected-node annotation). Default: nothing. */
  bindVolumes?(pod: Pod, nodeName: string, decision: VolumeBindingDecision): Promise<void>;
  /** After a successful binding; `message` is the Scheduled event text. */
  onScheduled?(pod: Pod, nodeName: string, message: string): void;
  /** After a failed attempt: emit FailedScheduling, set PodScheduled=False (see podScheduledCondition). */
  onFailure?(pod: Pod, failure: SchedulingFailure): void;
  /** Explanations kept (most recent pods); 0 turns recording off. Default 1000. */
  explainCapacity?: number;
  /** Nodes with per-plugin scores per explanation. Default 10. */
  explainTopN?: number;
  /** Pods left unschedulable this long are retried anyway (ms, default 5 minutes). */
  maxInUnschedulableMs?: number;
  now?(): number;
  random?(): number;
}

/** The PodScheduled=False condition a failed attempt leaves on the pod. */
export function podScheduledCondition(failure: SchedulingFailure, now = new Date()): PodCondition {
  return { type: 'PodScheduled', status: 'False', reason: failure.reason, message: failure.message, lastTransitionTime: rfc3339(now.getTime()) };
}

const TERMINAL = new Set(['Succeeded', 'Failed']);

interface WaitingPod {
  resolve(s: Status | undefined): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The scheduler without its API wiring: feed it cluster events (nodes, pods, other objects) and it
 * schedules pending pods one cycle at a time: a synchronous scheduling cycle (filter, score, assume,
 * reserve, permit) followed by an asynchronous binding cycle through the bind callback, so binding
 * latency does not limit throughput.
 */
export class Scheduler {
  readonly snapshot = new Snapshot();
  readonly queue: SchedulingQueue;
  readonly profiles = new Map<string, Framework>();
  readonly config: ResolvedConfiguration;
  /** Bindings made by the default bind callback: pod key -> node. */
  readonly bindings = new Map<string, string>();
  private readonly podScheduler: PodScheduler;
  private readonly explanations = new Map<string, ExplainRecord>();
  private readonly explainCapacity: number;
  private readonly explainTopN: number;
  private readonly bindingsInFlight = new Set<Promise<void>>();
  private readonly waiting = new Map<string, WaitingPod>();
  private readonly now: () => number;
  private readonly random: () => number;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private running = false;

  constructor(private readonly opts: SchedulerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    const cfg = opts.config;
    this.config = cfg && 'profiles' in cfg && Array.isArray(cfg.profiles) && cfg.profiles.every((p) => 'pluginConfig' in p && p.pluginConfig instanceof Map)
      ? (cfg as ResolvedConfiguration)
      : resolveSchedulerConfig(cfg as KubeSchedulerConfiguration | undefined);
    this.explainCapacity = opts.explainCapacity ?? 1000;
    this.explainTopN = opts.explainTopN ?? 10;
    const registry = mergeRegistry(opts.plugins);
    const deps = {
      snapshot: this.snapshot,
      bind: (pod: Pod, node: string) => (opts.bind ? opts.bind(pod, node) : this.bindInMemory(pod, node)),
      evict: (victim: Pod, preemptor: Pod) => (opts.evict ? opts.evict(victim, preemptor) : this.evictInMemory(victim)),
      bindVolumes: (pod: Pod, node: string, d: VolumeBindingDecision) => (opts.bindVolumes ? opts.bindVolumes(pod, node, d) : Promise.resolve()),
      nominatedPodsForNode: (node: string) => this.queue.nominator.podsForNode(node),
      clearNomination: (pod: Pod) => this.queue.nominator.delete(podKey(pod)),
      allowWaitingPod: (key: string) => this.allowWaitingPod(key),
      rejectWaitingPod: (key: string, message: string) => this.rejectWaitingPod(key, message),
      random: this.random,
      now: this.now,
    };
    for (const p of this.config.profiles) this.profiles.set(p.schedulerName, new Framework(p, registry, deps));
    const first = this.profiles.values().next().value as Framework;
    const events = new Map<string, ClusterEventWithHint[]>();
    for (const fw of this.profiles.values()) {
      for (const [name, evs] of fw.events) events.set(name, [...(events.get(name) ?? []), ...evs]);
    }
    this.queue = new SchedulingQueue({
      less: (a, b) => first.queueSort.less(a, b),
      events,
      now: this.now,
      initialBackoffMs: this.config.podInitialBackoffSeconds * 1000,
      maxBackoffMs: this.config.podMaxBackoffSeconds * 1000,
      maxInUnschedulableMs: opts.maxInUnschedulableMs,
    });
    this.podScheduler = new PodScheduler(this.snapshot);
  }

  private async bindInMemory(pod: Pod, nodeName: string): Promise<void> {
    this.bindings.set(podKey(pod), nodeName);
  }

  private async evictInMemory(victim: Pod): Promise<void> {
    this.removePod(victim);
  }

  /** Whether one of this scheduler's profiles is named by the pod's spec.schedulerName. */
  responsibleFor(pod: Pod): boolean {
    return this.profiles.has(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
  }

  // --- cluster events (the API wiring calls these from its informers) ---

  addNode(node: Node): void {
    this.snapshot.addNode(node);
    this.queue.onEvent({ resource: 'Node', action: ActionType.Add, label: 'NodeAdd' }, undefined, node);
  }

  updateNode(oldNode: Node | undefined, node: Node): void {
    const prev = this.snapshot.updateNode(node) ?? oldNode;
    if (!prev) {
      this.queue.onEvent({ resource: 'Node', action: ActionType.Add, label: 'NodeAdd' }, undefined, node);
      return;
    }
    const action = nodeUpdateAction(prev, node);
    if (action) this.queue.onEvent({ resource: 'Node', action, label: 'NodeUpdate' }, prev, node);
  }

  removeNode(node: Node | string): void {
    const name = typeof node === 'string' ? node : (node.metadata?.name ?? '');
    const old = this.snapshot.removeNode(name);
    if (old) this.queue.onEvent({ resource: 'Node', action: ActionType.Delete, label: 'NodeDelete' }, old, undefined);
  }

  /** A pod seen by the informer: bound pods go to the snapshot, pending ones this scheduler owns to the queue. */
  addPod(pod: Pod): void {
    if (pod.spec?.nodeName) {
      this.assignedPodAdded(pod);
      return;
    }
    if (!this.responsibleFor(pod) || TERMINAL.has(pod.status?.phase ?? '') || pod.metadata?.deletionTimestamp) return;
    this.queue.add(pod);
  }

  private assignedPodAdded(pod: Pod): void {
    const key = podKey(pod);
    this.queue.delete(key);
    if (TERMINAL.has(pod.status?.phase ?? '')) {
      this.snapshot.removePod(key);
      return;
    }
    const wasAssumed = this.snapshot.isAssumed(key);
    this.snapshot.addPod(pod);
    if (!wasAssumed) this.queue.onEvent({ resource: 'Pod', action: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
  }

  updatePod(oldPod: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    if (pod.spec?.nodeName) {
      const known = this.snapshot.pod(key);
      if (!known || known.assumed || !oldPod?.spec?.nodeName) {
        this.assignedPodAdded(pod);
        return;
      }
      if (TERMINAL.has(pod.status?.phase ?? '')) {
        this.removePod(pod);
        return;
      }
      const before = known.info;
      this.snapshot.updatePod(pod);
      let action = 0;
      if (JSON.stringify(before.labels) !== JSON.stringify(pod.metadata?.labels ?? {})) action |= ActionType.UpdatePodLabel;
      const after = podInfo(pod);
      if (after.requests.milliCPU < before.requests.milliCPU || after.requests.memory < before.requests.memory) action |= ActionType.UpdatePodScaleDown;
      if (!before.terminating && after.terminating) action |= ActionType.UpdateOther;
      if (action) this.queue.onEvent({ resource: 'Pod', action, label: 'AssignedPodUpdate' }, oldPod, pod);
      return;
    }
    if (!this.responsibleFor(pod)) return;
    if (TERMINAL.has(pod.status?.phase ?? '')) {
      this.queue.delete(key);
      return;
    }
    this.queue.update(oldPod, pod);
  }

  removePod(pod: Pod | string): void {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    const known = this.snapshot.pod(key);
    this.queue.delete(key);
    const w = this.waiting.get(key);
    if (w || known?.assumed) this.deletedWhileBinding.add(key);
    w?.resolve(unschedulable('pod was deleted while waiting at permit'));
    if (!known) return;
    this.snapshot.removePod(key);
    this.queue.onEvent({ resource: 'Pod', action: ActionType.Delete, label: 'AssignedPodDelete' }, known.info.pod, undefined);
  }

  /** Namespaces, services, workloads, volumes, storage classes, PDBs: added or updated. */
  setObject<K extends ClusterObjectKind>(kind: K, obj: ClusterObjectKinds[K], isUpdate = false): void {
    this.snapshot.objects.set(kind, obj);
    const event: ClusterEvent = { resource: kind, action: isUpdate ? ActionType.UpdateOther : ActionType.Add, label: `${kind}Change` };
    this.queue.onEvent(event, undefined, obj);
  }

  deleteObject<K extends ClusterObjectKind>(kind: K, obj: ClusterObjectKinds[K]): void {
    this.snapshot.objects.delete(kind, obj);
    this.queue.onEvent({ resource: kind, action: ActionType.Delete, label: `${kind}Delete` }, obj, undefined);
  }

  // --- scheduling ---

  /**
   * Runs one scheduling cycle for the next pod in activeQ; returns false when activeQ is empty. The
   * binding cycle it starts continues asynchronously (see `waitForBindings`).
   */
  scheduleOne(): boolean {
    const q = this.queue.pop();
    if (!q) return false;
    const pod = q.info;
    const fw = this.profiles.get(pod.pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
    if (!fw) {
      this.queue.done(pod.key);
      return true;
    }
    const state = fw.newCycleState();
    const outcome = this.podScheduler.schedule(fw, state, pod, {
      percentageOfNodesToScore: this.config.percentageOfNodesToScore,
      topN: this.explainCapacity > 0 ? this.explainTopN : 0,
      random: this.random,
    });
    this.snapshot.endCycle();
    if (outcome.kind !== 'scheduled') {
      this.handleFailure(fw, state, q, outcome);
      return true;
    }
    const nodeName = outcome.nodeName;
    const assumed = this.snapshot.assume(pod.pod, nodeName);
    const assumedInfo = podInfo(assumed);
    const reserve = fw.runReservePlugins(state, assumedInfo, nodeName);
    const permit = reserve ? undefined : fw.runPermitPlugins(state, assumedInfo, nodeName);
    const rejection = reserve ?? permit?.status;
    if (rejection) {
      fw.runUnreservePlugins(state, assumedInfo, nodeName);
      this.snapshot.forget(pod.key);
      this.failed(q, rejection.code === Code.Error ? 'SchedulerError' : 'Unschedulable', rejection.message, rejection.code === Code.Error, rejection.plugin);
      this.record(fw, q, outcome, { result: rejection.code === Code.Error ? 'Error' : 'Unschedulable', message: rejection.message });
      return true;
    }
    this.queue.nominator.delete(pod.key);
    this.record(fw, q, outcome, { result: 'Scheduled', selectedNode: nodeName });
    const p = this.bindingCycle(fw, state, q, assumedInfo, nodeName, permit?.waitMs ?? 0);
    this.bindingsInFlight.add(p);
    void p.finally(() => this.bindingsInFlight.delete(p));
    return true;
  }

  private async bindingCycle(fw: Framework, state: CycleState, q: QueuedPodInfo, pod: PodInfo, nodeName: string, waitMs: number): Promise<void> {
    let s: Status | undefined;
    try {
      if (waitMs > 0) s = await this.waitOnPermit(pod.key, waitMs);
      if (!s) s = await fw.runPreBindPlugins(state, pod, nodeName);
      if (!s) s = await fw.runBindPlugins(state, pod, nodeName);
    } catch (e) {
      s = errorStatus((e as Error).message);
    }
    if (s && s.code !== Code.Success) {
      fw.runUnreservePlugins(state, pod, nodeName);
      this.snapshot.forget(pod.key);
      if (this.queue.where(pod.key) === undefined && !this.deletedWhileBinding.has(pod.key)) {
        this.failed(q, 'SchedulerError', s.message || `binding rejected: ${codeNames[s.code]}`, true, s.plugin);
      }
      this.deletedWhileBinding.delete(pod.key);
      // The forgotten pod frees room other pods may be waiting for.
      this.queue.onEvent({ resource: 'Pod', action: ActionType.Delete, label: 'AssignedPodDelete' }, pod.pod, undefined);
      return;
    }
    this.deletedWhileBinding.delete(pod.key);
    fw.runPostBindPlugins(state, pod, nodeName);
    this.queue.done(pod.key);
    this.opts.onScheduled?.(pod.pod, nodeName, `Successfully assigned ${pod.namespace}/${pod.name} to ${nodeName}`);
  }

  private readonly deletedWhileBinding = new Set<string>();

  private waitOnPermit(key: string, ms: number): Promise<Status | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        resolve(unschedulable('rejected due to timeout after waiting at permit'));
      }, ms);
      this.waiting.set(key, {
        timer,
        resolve: (s) => {
          clearTimeout(timer);
          this.waiting.delete(key);
          resolve(s);
        },
      });
    });
  }

  /** Lets a pod waiting at Permit proceed to binding (upstream WaitingPod.Allow). */
  allowWaitingPod(key: string): boolean {
    const w = this.waiting.get(key);
    w?.resolve(undefined);
    return w !== undefined;
  }

  /** Rejects a pod waiting at Permit (upstream WaitingPod.Reject): unreserved, forgotten, requeued. */
  rejectWaitingPod(key: string, message: string): boolean {
    const w = this.waiting.get(key);
    w?.resolve(unschedulable(message));
    return w !== undefined;
  }

  private handleFailure(fw: Framework, state: CycleState, q: QueuedPodInfo, outcome: Exclude<ScheduleOutcome, { kind: 'scheduled' }>): void {
    if (outcome.kind === 'error') {
      this.failed(q, 'SchedulerError', outcome.status.message, true, outcome.status.plugin);
      this.record(fw, q, outcome, { result: 'Error', message: outcome.status.message });
      return;
    }
    const d = outcome.diagnosis;
    let nominated: string | undefined;
    let victims: string[] | undefined;
    if (!outcome.noNodes && fw.postFilter.length) {
      const { result, status } = fw.runPostFilterPlugins(state, q.info, d.statuses);
      if (status.code !== Code.Error && status.code !== Code.Success) d.postFilterMsg = status.message;
      nominated = result?.nominatedNodeName;
      victims = result?.victims;
    }
    const message = outcome.noNodes ? d.preFilterMsg : fitErrorMessage(outcome.numAllNodes, d);
    q.unschedulablePlugins = d.unschedulablePlugins;
    q.pendingPlugins = d.pendingPlugins;
    if (nominated !== undefined) {
      if (nominated === '') this.queue.nominator.delete(q.info.key);
      else this.queue.nominator.add(q.info, nominated);
    }
    this.queue.addUnschedulable(q);
    this.opts.onFailure?.(q.info.pod, { reason: 'Unschedulable', message, nominatedNodeName: nominated });
    this.record(fw, q, outcome, { result: 'Unschedulable', message, nominatedNodeName: nominated || undefined, victims });
  }

  private failed(q: QueuedPodInfo, reason: SchedulingFailure['reason'], message: string, error: boolean, plugin: string): void {
    q.unschedulablePlugins = new Set(plugin && !error ? [plugin] : []);
    q.pendingPlugins = new Set();
    this.queue.addUnschedulable(q, { error });
    this.opts.onFailure?.(q.info.pod, { reason, message });
  }

  private record(fw: Framework, q: QueuedPodInfo, outcome: ScheduleOutcome, extra: Pick<ExplainRecord, 'result'> & Partial<ExplainRecord>): void {
    if (this.explainCapacity <= 0) return;
    const rec = this.buildRecord(fw, q, outcome, extra);
    this.explanations.delete(q.info.key);
    this.explanations.set(q.info.key, rec);
    if (this.explanations.size > this.explainCapacity) this.explanations.delete(this.explanations.keys().next().value!);
  }

  private buildRecord(
    fw: Framework,
    q: QueuedPodInfo,
    outcome: ScheduleOutcome,
    extra: Pick<ExplainRecord, 'result'> & Partial<ExplainRecord>,
  ): ExplainRecord {
    const rejected: NodeVerdict[] = [];
    let numNodes = this.snapshot.numNodes;
    if (outcome.kind === 'unschedulable') numNodes = outcome.numAllNodes;
    if (outcome.kind !== 'error') {
      // Nodes a PreFilter narrowing left out are listed only when the pod fit nowhere.
      const statuses = outcome.diagnosis.statuses;
      const each = outcome.kind === 'unschedulable' ? statuses.forEach.bind(statuses) : statuses.forEachExplicit.bind(statuses);
      each((node, s) => {
        rejected.push({ node, plugin: s.plugin, code: codeNames[s.code], reasons: s.reasons as string[] });
      });
    }
    const preFilter =
      outcome.kind === 'unschedulable' && outcome.diagnosis.preFilterMsg
        ? [{ plugin: outcome.diagnosis.statuses.absent?.plugin ?? '', code: codeNames[outcome.diagnosis.statuses.absent?.code ?? Code.Unschedulable], reasons: [outcome.diagnosis.preFilterMsg] }]
        : outcome.kind === 'error'
          ? [{ plugin: outcome.status.plugin, code: codeNames[outcome.status.code], reasons: [...outcome.status.reasons] }]
          : [];
    const rec: ExplainRecord = {
      pod: `${q.info.namespace}/${q.info.name}`,
      uid: q.info.pod.metadata?.uid ?? '',
      profile: fw.profileName,
      time: this.now(),
      attempt: q.attempts,
      numNodes,
      evaluatedNodes: outcome.evaluated,
      feasibleNodes: outcome.kind === 'scheduled' ? outcome.feasible : 0,
      preFilter,
      rejected,
      scores: outcome.kind === 'scheduled' ? outcome.top : [],
      ...extra,
    };
    return rec;
  }

  /** The explanation of the pod's latest scheduling attempt (by pod UID, or namespace/name without one). */
  explain(pod: Pod | string): ExplainRecord | undefined {
    return this.explanations.get(typeof pod === 'string' ? pod : podKey(pod));
  }

  /**
   * A dry run for a pending pod: every node through Filter (no early stop) and the top `topN` scored
   * nodes, changing nothing. Answers "why is this pod not placed / where would it go".
   */
  explainPod(pod: Pod, topN = this.explainTopN): ExplainRecord {
    const fw = this.profiles.get(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
    if (!fw) throw new Error(`no profile named "${pod.spec?.schedulerName}"`);
    const info = podInfo(pod);
    const state = fw.newCycleState();
    const saved = this.podScheduler.nextStartNodeIndex;
    this.podScheduler.nextStartNodeIndex = 0;
    const outcome = this.podScheduler.schedule(fw, state, info, {
      percentageOfNodesToScore: this.config.percentageOfNodesToScore,
      findAll: true,
      topN: Math.max(1, topN),
      random: this.random,
    });
    this.podScheduler.nextStartNodeIndex = saved;
    const q: QueuedPodInfo = {
      info,
      timestamp: this.now(),
      initialAttemptTimestamp: this.now(),
      attempts: 0,
      unschedulablePlugins: new Set(),
      pendingPlugins: new Set(),
      backoffExpiration: 0,
    };
    const rec = this.buildRecord(fw, q, outcome, {
      result: outcome.kind === 'scheduled' ? 'Scheduled' : outcome.kind === 'error' ? 'Error' : 'Unschedulable',
      selectedNode: outcome.kind === 'scheduled' ? outcome.nodeName : undefined,
      message:
        outcome.kind === 'unschedulable'
          ? outcome.noNodes
            ? outcome.diagnosis.preFilterMsg
            : fitErrorMessage(outcome.numAllNodes, outcome.diagnosis)
          : outcome.kind === 'error'
            ? outcome.status.message
            : undefined,
    });
    rec.filters = this.allFilterVerdicts(fw, info);
    return rec;
  }

  /** Every Filter plugin on every node, without stopping at the first rejection. */
  private allFilterVerdicts(fw: Framework, pod: PodInfo): ExplainRecord['filters'] {
    const state = fw.newCycleState();
    const pre = fw.runPreFilterPlugins(state, pod);
    const out: NonNullable<ExplainRecord['filters']> = [];
    for (const node of this.snapshot.nodes()) {
      const plugins = fw.filter.map((p) => {
        if (pre.status) return { plugin: p.name, code: 'Skip', reasons: ['PreFilter rejected the pod'] };
        if (state.skipFilterPlugins.has(p.name)) return { plugin: p.name, code: 'Skip', reasons: [] };
        if (pre.nodeNames && !pre.nodeNames.has(node.name)) return { plugin: p.name, code: 'Skip', reasons: ['node left out by PreFilter'] };
        const s = p.filter(state, pod, node);
        return s && s.code !== Code.Success ? { plugin: p.name, code: codeNames[s.code], reasons: [...s.reasons] } : { plugin: p.name, code: 'Success', reasons: [] };
      });
      out.push({ node: node.name, plugins });
    }
    return out;
  }

  /** Schedules until activeQ is empty (bindings may still be in flight). Returns the cycles run. */
  drain(): number {
    let n = 0;
    while (this.scheduleOne()) n++;
    return n;
  }

  /** Resolves when every binding started so far has finished. */
  async waitForBindings(): Promise<void> {
    while (this.bindingsInFlight.size) await Promise.all([...this.bindingsInFlight]);
  }

  /** Runs until `stop()`: schedules whenever activeQ has pods, yielding to the event loop between batches. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.ticker = setInterval(() => this.queue.tick(), 1000);
    this.ticker.unref?.();
    while (!this.queue.isClosed) {
      await this.queue.wait();
      for (let i = 0; i < 64 && this.scheduleOne(); i++);
      await new Promise((r) => setImmediate(r));
    }
  }

  stop(): void {
    this.queue.close();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.running = false;
  }
}

/** The update actions a node change amounts to (upstream nodeSchedulingPropertiesChange). */
export function nodeUpdateAction(a: Node, b: Node): number {
  let action = 0;
  const j = (v: unknown) => JSON.stringify(v ?? null);
  if (j(a.metadata?.labels) !== j(b.metadata?.labels)) action |= ActionType.UpdateNodeLabel;
  if (j(a.spec?.taints) !== j(b.spec?.taints) || (a.spec?.unschedulable ?? false) !== (b.spec?.unschedulable ?? false)) action |= ActionType.UpdateNodeTaint;
  if (j(a.status?.allocatable) !== j(b.status?.allocatable)) action |= ActionType.UpdateNodeAllocatable;
  if (j(a.status?.conditions?.map((c) => [c.type, c.status])) !== j(b.status?.conditions?.map((c) => [c.type, c.status]))) action |= ActionType.UpdateNodeCondition;
  if (j(a.metadata?.annotations) !== j(b.metadata?.annotations)) action |= ActionType.UpdateNodeAnnotation;
  return action;
}
