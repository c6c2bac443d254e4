import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResolvedProfile } from '../config/types.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { ConfigError } from '../config/types.js';
import { CycleState } from './cycle-state.js';
import type { ClusterEventWithHint } from './events.js';
import {
  extensionGuards,
  extensionPoints,
  isEnqueueExtensions,
  MAX_NODE_SCORE,
  PreFilterResult,
  type BindPlugin,
  type ExtensionPoint,
  type FilterPlugin,
  type Handle,
  type NodeToStatus,
  type PermitPlugin,
  type Plugin,
  type PluginFactory,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type QueueSortPlugin,
  type ReservePlugin,
  type ScorePlugin,
  type VolumeBindingDecision,
} from './interfaces.js';
import { Code, errorStatus, Status, WaitStatus } from './status.js';

/**
 * What the framework needs from the scheduler that owns it: the Handle callbacks it passes through to
 * plugins (same signatures, declared once on Handle), plus a random source and a clock.
 */
export interface FrameworkDeps
  extends Pick<
    Handle,
    'snapshot' | 'bind' | 'evict' | 'nominatedPodsForNode' | 'bindVolumes' | 'clearNomination' | 'allowWaitingPod' | 'rejectWaitingPod'
  > {
  random(): number;
  now(): number;
}

/** One plugin's scores over the scored nodes, kept for the explain record. */
export interface PluginScores {
  plugin: string;
  weight: number;
  raw: Float64Array;
  normalized: Float64Array;
}

/**
 * One profile's plugins, instantiated from the registry and placed at every extension point they
 * implement (upstream's multiPoint expansion), with the loops that run each extension point.
 */
export class Framework implements Handle {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins = new Map<string, Plugin>();
  queueSort!: QueueSortPlugin;
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: ScorePlugin[] = [];
  readonly scoreWeights: number[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly preBind: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBind: PostBindPlugin[] = [];
  /** Events each plugin registered, for the queue's requeueing. */
  readonly events = new Map<string, ClusterEventWithHint[]>();

  constructor(
    profile: ResolvedProfile,
    registry: Readonly<Record<string, PluginFactory>>,
    private readonly deps: FrameworkDeps,
  ) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const errs: string[] = [];
    const path = `profiles[${profile.schedulerName}]`;
    const wanted = new Set<string>();
    for (const r of profile.plugins.multiPoint.enabled) wanted.add(r.name);
    for (const ep of extensionPoints) for (const r of profile.plugins[ep].enabled) wanted.add(r.name);
    for (const name of wanted) {
      const factory = registry[name];
      if (!factory) {
        errs.push(`${path}: plugin "${name}" does not exist`);
        continue;
      }
      try {
        const p = factory(profile.pluginConfig.get(name), this);
        this.plugins.set(name, p);
      } catch (e) {
        errs.push(`${path}.pluginConfig[${name}]: ${(e as Error).message}`);
      }
    }
    for (const name of profile.pluginConfig.keys()) {
      if (!wanted.has(name)) errs.push(`${path}.pluginConfig: Invalid value: "${name}": plugin is not enabled`);
    }
    if (errs.length) throw new ConfigError(errs);

    for (const ep of extensionPoints) {
      const refs = this.expand(profile, ep, errs);
      for (const r of refs) {
        const p = this.plugins.get(r.name)!;
        switch (ep) {
          case 'queueSort':
            this.queueSort ??= p as QueueSortPlugin;
            break;
          case 'score':
            this.score.push(p as ScorePlugin);
            this.scoreWeights.push(r.weight || 1);
            break;
          case 'bind':
            this.bindPlugins.push(p as BindPlugin);
            break;
          default:
            (this[ep] as Plugin[]).push(p);
        }
      }
    }
    if (!this.queueSort) errs.push(`${path}.plugins.queueSort: Required value: one queue sort plugin is required`);
    if (this.bindPlugins.length === 0) errs.push(`${path}.plugins.bind: Required value: at least one bind plugin is required`);
    if (errs.length) throw new ConfigError(errs);
    for (const [name, p] of this.plugins) if (isEnqueueExtensions(p)) this.events.set(name, p.eventsToRegister());
  }

  /** The plugins of one extension point: explicit ones first, then multiPoint ones, as upstream orders them. */
  private expand(profile: ResolvedProfile, ep: ExtensionPoint, errs: string[]): { name: string; weight?: number }[] {
    const set = profile.plugins[ep];
    const guard = extensionGuards[ep];
    const explicit = set.enabled;
    for (const r of explicit) {
      const p = this.plugins.get(r.name);
      if (p && !guard(p)) errs.push(`plugin "${r.name}" does not extend ${ep} plugin`);
    }
    const disabled = new Set(set.disabled);
    if (disabled.has('*')) return explicit.filter((r) => this.plugins.has(r.name));
    const explicitNames = new Set(explicit.map((r) => r.name));
    const overrides: { name: string; weight?: number }[] = [];
    const multi: { name: string; weight?: number }[] = [];
    const seen = new Set<string>();
    for (const r of profile.plugins.multiPoint.enabled) {
      const p = this.plugins.get(r.name);
      if (!p || !guard(p) || disabled.has(r.name)) continue;
      if (explicitNames.has(r.name)) {
        overrides.push(explicit.find((e) => e.name === r.name)!);
        continue;
      }
      if (seen.has(r.name)) {
        errs.push(`plugin "${r.name}" already registered as "${ep}"`);
        continue;
      }
      seen.add(r.name);
      multi.push(r);
    }
    const rest = explicit.filter((r) => !overrides.includes(r));
    return [...overrides, ...multi, ...rest].filter((r) => this.plugins.has(r.name));
  }

  // --- Handle ---

  get snapshot(): Snapshot {
    return this.deps.snapshot;
  }

  get objects() {
    return this.deps.snapshot.objects;
  }

  bind(pod: Pod, nodeName: string): Promise<void> {
    return this.deps.bind(pod, nodeName);
  }

  evict(victim: Pod, preemptor: Pod): Promise<void> {
    return this.deps.evict(victim, preemptor);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.deps.nominatedPodsForNode(nodeName);
  }

  clearNomination(pod: Pod): void {
    this.deps.clearNomination(pod);
  }

  bindVolumes(pod: Pod, nodeName: string, decision: VolumeBindingDecision): Promise<void> {
    return this.deps.bindVolumes(pod, nodeName, decision);
  }

  allowWaitingPod(podKey: string): boolean {
    return this.deps.allowWaitingPod(podKey);
  }

  rejectWaitingPod(podKey: string, message: string): boolean {
    return this.deps.rejectWaitingPod(podKey, message);
  }

  random(): number {
    return this.deps.random();
  }

  now(): number {
    return this.deps.now();
  }

  // --- extension point runners ---

  /**
   * Runs every PreFilter. Returns the rejection (with its plugin), or the intersection of the node sets
   * the plugins narrowed to (undefined = all nodes) and the names of the plugins that narrowed.
   */
  runPreFilterPlugins(state: CycleState, pod: PodInfo): { status?: Status; nodeNames?: Set<string>; narrowedBy: string[] } {
    let nodeNames: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilter) {
      let r: Status | PreFilterResult | undefined;
      try {
        r = p.preFilter(state, pod);
      } catch (e) {
        return { status: errorStatus(`running PreFilter plugin "${p.name}": ${(e as Error).message}`).withPlugin(p.name), narrowedBy };
      }
      if (r === undefined) continue;
      if (r instanceof PreFilterResult) {
        narrowedBy.push(p.name);
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => r.nodeNames.has(n))) : new Set(r.nodeNames);
        if (nodeNames.size === 0) {
          const msg =
            narrowedBy.length === 1
              ? `node(s) didn't satisfy plugin ${narrowedBy[0]}`
              : `node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}] simultaneously`;
          return { status: new Status(Code.Unschedulable, [msg]).withPlugin(p.name), narrowedBy };
        }
        continue;
      }
      if (r.code === Code.Skip) {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      if (r.code !== Code.Success) {
        if (r.code === Code.Error) return { status: errorStatus(`running PreFilter plugin "${p.name}": ${r.message}`).withPlugin(p.name), narrowedBy };
        return { status: r.withPlugin(p.name), narrowedBy };
      }
    }
    return { nodeNames, narrowedBy };
  }

  /** The first Filter rejection on `node`, or undefined when every Filter passed. */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const plugins = this.filter;
    const skipping = state.skipFilterPlugins.size > 0;
    for (let i = 0; i < plugins.length; i++) {
      const p = plugins[i]!;
      if (skipping && state.skipFilterPlugins.has(p.name)) continue;
      const s = p.filter(state, pod, node);
      if (s !== undefined && s.code !== Code.Success) {
        if (s.plugin !== p.name) s.plugin = p.name;
        return s;
      }
    }
    return undefined;
  }

  /**
   * Filters with the pods nominated to this node (of equal or higher priority) counted as present, then,
   * if that passed and such pods exist, once more without them: a nominated pod may not arrive, and some
   * filters (pod affinity) could pass only because of it (upstream RunFilterPluginsWithNominatedPods).
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const nominated = this.deps.nominatedPodsForNode(node.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, node);
    let added = false;
    let stateToUse = state;
    let nodeToUse = node;
    for (const np of nominated) {
      if (np.key === pod.key || np.priority < pod.priority) continue;
      if (!added) {
        added = true;
        stateToUse = state.clone();
        nodeToUse = node.clone();
      }
      nodeToUse.addPod(np);
      const s = this.runPreFilterExtensionAddPod(stateToUse, pod, np, nodeToUse);
      if (s) return s;
    }
    const first = this.runFilterPlugins(stateToUse, pod, nodeToUse);
    if (first !== undefined || !added) return first;
    return this.runFilterPlugins(state, pod, node);
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): Status | undefined {
    for (const p of this.preFilter) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      const s = ext?.addPod(state, pod, podToAdd, node);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return undefined;
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): Status | undefined {
    for (const p of this.preFilter) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      const s = ext?.removePod(state, pod, podToRemove, node);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return undefined;
  }

  /** PostFilter plugins in order until one returns a result or a non-Unschedulable status. */
  runPostFilterPlugins(state: CycleState, pod: PodInfo, statuses: NodeToStatus): { result?: PostFilterResult; status: Status } {
    const reasons: string[] = [];
    let rejectedBy = '';
    for (const p of this.postFilter) {
      const { result, status } = p.postFilter(state, pod, statuses);
      if (status === undefined || status.code === Code.Success) return { result, status: new Status(Code.Success).withPlugin(p.name) };
      if (status.code !== Code.Unschedulable) return { result, status: status.withPlugin(p.name) };
      reasons.push(...status.reasons);
      rejectedBy ||= p.name;
      if (result?.nominatedNodeName !== undefined) return { result, status: new Status(Code.Unschedulable, reasons).withPlugin(rejectedBy) };
    }
    return { status: new Status(Code.Unschedulable, reasons).withPlugin(rejectedBy) };
  }

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    for (const p of this.preScore) {
      const s = p.preScore(state, pod, nodes);
      if (s === undefined || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        state.skipScorePlugins.add(p.name);
        continue;
      }
      return errorStatus(`running PreScore plugin "${p.name}": ${s.message}`).withPlugin(p.name);
    }
    return undefined;
  }

  /**
   * Score, NormalizeScore and weights: returns each node's total and, when `keep` is set, every plugin's
   * raw and normalized scores for the explain record.
   */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], keep: boolean): { totals: Float64Array; perPlugin: PluginScores[]; status?: Status } {
    const n = nodes.length;
    const totals = new Float64Array(n);
    const perPlugin: PluginScores[] = [];
    for (let j = 0; j < this.score.length; j++) {
      const p = this.score[j]!;
      if (state.skipScorePlugins.has(p.name)) continue;
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) scores[i] = p.score(state, pod, nodes[i]!);
      const raw = keep ? scores.slice() : scores;
      if (p.normalizeScore) {
        const s = p.normalizeScore(state, pod, scores, nodes);
        if (s && s.code !== Code.Success) return { totals, perPlugin, status: errorStatus(`running NormalizeScore plugin "${p.name}": ${s.message}`).withPlugin(p.name) };
      }
      const w = this.scoreWeights[j]!;
      for (let i = 0; i < n; i++) {
        const v = scores[i]!;
        if (v > MAX_NODE_SCORE || v < 0) {
          return {
            totals,
            perPlugin,
            status: errorStatus(`plugin "${p.name}" returns an invalid score ${v}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`).withPlugin(p.name),
          };
        }
        totals[i]! += v * w;
      }
      if (keep) perPlugin.push({ plugin: p.name, weight: w, raw, normalized: scores });
    }
    return { totals, perPlugin };
  }

  /** Reserve in order; on a failure, the caller runs Unreserve for all (upstream does the same). */
  runReservePlugins(state: CycleState, pod: PodInfo, nodeName: string): Status | undefined {
    for (const p of this.reserve) {
      const s = p.reserve(state, pod, nodeName);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return undefined;
  }

  runUnreservePlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reserve.length - 1; i >= 0; i--) this.reserve[i]!.unreserve(state, pod, nodeName);
  }

  /** Permit: a rejection, or the longest Wait asked for (0 = no wait). */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): { status?: Status; waitMs: number; waitingFor: string[] } {
    let waitMs = 0;
    const waitingFor: string[] = [];
    for (const p of this.permit) {
      const s = p.permit(state, pod, nodeName);
      if (s === undefined || s.code === Code.Success) continue;
      if (s.code === Code.Wait) {
        waitMs = Math.max(waitMs, s instanceof WaitStatus ? s.timeoutMs : 0);
        waitingFor.push(p.name);
        continue;
      }
      return { status: s.withPlugin(p.name), waitMs: 0, waitingFor };
    }
    return { waitMs, waitingFor };
  }

  async runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    for (const p of this.preBind) {
      const s = await p.preBind(state, pod, nodeName);
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return undefined;
  }

  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    for (const p of this.bindPlugins) {
      const s = await p.bind(state, pod, nodeName);
      if (s && s.code === Code.Skip) continue;
      if (s && s.code !== Code.Success) return s.withPlugin(p.name);
      return undefined;
    }
    return errorStatus('all bind plugins skipped the pod');
  }

  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of this.postBind) p.postBind(state, pod, nodeName);
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}
