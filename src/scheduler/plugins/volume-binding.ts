import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import { ActionType, type ClusterEventWithHint } from '../framework/events.js';
import type {
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  PreBindPlugin,
  PreFilterPlugin,
  ReservePlugin,
  VolumeBindingDecision,
} from '../framework/interfaces.js';
import { errorStatus, skip, unresolvable, type Status } from '../framework/status.js';
import { parseValue } from '../../api/validation/quantity.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import { NodeSelectorMatcher } from '../util/node-affinity.js';

export const ERR_REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

const STATE_KEY = 'VolumeBinding';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

interface Claim {
  key: string;
  pvc: PersistentVolumeClaim;
  /**
   * The PVs that could serve the claim on some node, smallest first: everything but the node, the
   * PVs taken in this cycle and the reservations is judged once per pod, not once per node.
   */
  candidates: PersistentVolume[];
}

class State implements StateData {
  /** Per node, the decision Filter found there. */
  readonly decisions = new Map<string, VolumeBindingDecision>();
  constructor(
    readonly bound: PersistentVolume[],
    readonly toBind: Claim[],
  ) {}
  clone(): this {
    return this;
  }
}

function pvMatchesNode(pv: PersistentVolume, node: NodeInfo): boolean {
  const req = pv.spec?.nodeAffinity?.required;
  if (!req) return true;
  return new NodeSelectorMatcher(req.nodeSelectorTerms ?? []).matches(node.name, node.labels);
}

function claimRequest(pvc: PersistentVolumeClaim): number {
  const q = pvc.spec?.resources?.requests?.storage;
  return q === undefined ? 0 : (parseValue(q) ?? 0);
}

/**
 * PersistentVolumeClaims: bound claims' PVs must allow the node (PV node affinity); unbound claims of a
 * WaitForFirstConsumer class need an available matching PV or a provisioner allowed on the node.
 * Reserve holds the chosen PVs (so two pods do not take the same one) and records the selected node;
 * PreBind hands the decision to the handle's bindVolumes (the API wiring).
 */
export class VolumeBinding implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions {
  readonly name = 'VolumeBinding';
  /** PV name -> claim key, for PVs reserved by pods whose binding is in flight. */
  private readonly assumedPVs = new Map<string, string>();
  private readonly reserved = new Map<string, VolumeBindingDecision>();

  constructor(private readonly handle: Handle) {}

  private claimNames(pod: PodInfo): string[] {
    const out: string[] = [];
    for (const v of pod.pod.spec?.volumes ?? []) {
      if (v.persistentVolumeClaim) out.push(v.persistentVolumeClaim.claimName);
      else if (v.ephemeral) out.push(`${pod.name}-${v.name}`);
    }
    return out;
  }

  preFilter(state: CycleState, pod: PodInfo): Status | undefined {
    const names = this.claimNames(pod);
    if (names.length === 0) return skip;
    const objects = this.handle.objects;
    const bound: PersistentVolume[] = [];
    const toBind: Claim[] = [];
    for (const name of names) {
      const pvc = objects.get('PersistentVolumeClaim', name, pod.namespace);
      if (!pvc) return unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (pvc.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
      const volumeName = pvc.spec?.volumeName;
      if (volumeName) {
        const pv = objects.get('PersistentVolume', volumeName);
        if (!pv) return unresolvable(ERR_REASON_PV_NOT_EXIST);
        bound.push(pv);
        continue;
      }
      const cls = pvc.spec?.storageClassName ? objects.get('StorageClass', pvc.spec.storageClassName) : undefined;
      if (cls?.volumeBindingMode !== 'WaitForFirstConsumer') return unresolvable(ERR_UNBOUND_IMMEDIATE);
      const key = `${pod.namespace}/${name}`;
      toBind.push({ key, pvc, candidates: this.candidatePVs(key, pvc) });
    }
    state.write(STATE_KEY, new State(bound, toBind));
    return undefined;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status | undefined {
    const s = state.read<State>(STATE_KEY);
    if (!s) return undefined;
    for (const pv of s.bound) if (!pvMatchesNode(pv, node)) return unresolvable(ERR_REASON_NODE_CONFLICT);
    if (s.toBind.length === 0) return undefined;
    const decision: VolumeBindingDecision = { staticBindings: new Map(), provision: [], selectedNode: node.name };
    const taken = new Set<string>();
    for (const c of s.toBind) {
      const pv = this.findPV(c, node, taken);
      if (pv) {
        taken.add(pv.metadata!.name!);
        decision.staticBindings.set(c.key, pv.metadata!.name!);
        continue;
      }
      if (!this.canProvision(c.pvc, node)) return unresolvable(ERR_REASON_BIND_CONFLICT);
      decision.provision.push(c.key);
    }
    s.decisions.set(node.name, decision);
    return undefined;
  }

  /** The PVs that could serve the claim on some node, smallest first (the first found among equals). */
  private candidatePVs(key: string, pvc: PersistentVolumeClaim): PersistentVolume[] {
    const want = claimRequest(pvc);
    const cls = pvc.spec?.storageClassName ?? '';
    const modes = pvc.spec?.accessModes ?? [];
    const volumeMode = pvc.spec?.volumeMode ?? 'Filesystem';
    const found: { pv: PersistentVolume; size: number }[] = [];
    for (const pv of this.handle.objects.list('PersistentVolume')) {
      const ref = pv.spec?.claimRef;
      if (ref && !(ref.namespace === pvc.metadata?.namespace && ref.name === pvc.metadata?.name)) continue;
      if (pv.status?.phase && pv.status.phase !== 'Available' && !ref) continue;
      if ((pv.spec?.storageClassName ?? '') !== cls) continue;
      if ((pv.spec?.volumeMode ?? 'Filesystem') !== volumeMode) continue;
      const pvModes = pv.spec?.accessModes ?? [];
      if (!modes.every((m) => pvModes.includes(m))) continue;
      const size = parseValue(pv.spec?.capacity?.storage ?? '0') ?? 0;
      if (size < want) continue;
      const assumedFor = this.assumedPVs.get(pv.metadata?.name ?? '');
      if (assumedFor !== undefined && assumedFor !== key) continue;
      found.push({ pv, size });
    }
    // Stable: among PVs of one size the first listed wins, as a scan keeping the strictly smaller would.
    return found.sort((a, b) => a.size - b.size).map((f) => f.pv);
  }

  /** The smallest available PV that satisfies the claim on this node. */
  private findPV(c: Claim, node: NodeInfo, taken: Set<string>): PersistentVolume | undefined {
    for (const pv of c.candidates) {
      if (taken.has(pv.metadata?.name ?? '')) continue;
      if (pvMatchesNode(pv, node)) return pv;
    }
    return undefined;
  }

  private canProvision(pvc: PersistentVolumeClaim, node: NodeInfo): boolean {
    const cls = pvc.spec?.storageClassName ? this.handle.objects.get('StorageClass', pvc.spec.storageClassName) : undefined;
    if (!cls || !cls.provisioner || cls.provisioner === NO_PROVISIONER) return false;
    const topo = cls.allowedTopologies ?? [];
    if (topo.length === 0) return true;
    return topo.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.values.includes(node.labels[e.key] ?? '\u0000')));
  }

  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status | undefined {
    const d = state.read<State>(STATE_KEY)?.decisions.get(nodeName);
    if (!d) return undefined;
    for (const [claim, pv] of d.staticBindings) this.assumedPVs.set(pv, claim);
    this.reserved.set(pod.key, d);
    return undefined;
  }

  unreserve(_state: CycleState, pod: PodInfo): void {
    const d = this.reserved.get(pod.key);
    if (!d) return;
    for (const pv of d.staticBindings.values()) this.assumedPVs.delete(pv);
    this.reserved.delete(pod.key);
  }

  /** The decision reserved for a pod (for the API wiring and for tests). */
  decisionFor(podKey: string): VolumeBindingDecision | undefined {
    return this.reserved.get(podKey);
  }

  async preBind(_state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    const d = this.reserved.get(pod.key);
    if (!d) return undefined;
    try {
      await this.handle.bindVolumes(pod.pod, nodeName, d);
      return undefined;
    } catch (e) {
      return errorStatus(`binding volumes: ${(e as Error).message}`);
    } finally {
      this.reserved.delete(pod.key);
    }
  }

  eventsToRegister(): ClusterEventWithHint[] {
    const change = ActionType.Add | ActionType.Update;
    return [
      { event: { resource: 'PersistentVolumeClaim', action: change, label: 'PvcChange' } },
      { event: { resource: 'PersistentVolume', action: change, label: 'PvChange' } },
      { event: { resource: 'StorageClass', action: change, label: 'StorageClassChange' } },
      { event: { resource: 'Node', action: ActionType.Add | ActionType.UpdateNodeLabel, label: 'NodeLabelChange' } },
    ];
  }
}

export const newVolumeBinding = (_args: unknown, handle: Handle): VolumeBinding => new VolumeBinding(handle);
