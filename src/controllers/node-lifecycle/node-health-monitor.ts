import { deepClone, isConflict, isNotFound, type KubeObject } from '../../api/index.js';
import { sleep, type ApiClient, type EventRecorder, type Informer, type Logger, type ResourceDescriptor } from '../../client/index.js';
import type { NodeLifecycleSettings } from './settings.js';
import { updateNodeTaints, swapTaints } from './taint-writer.js';
import { hasTaint, nodeCondition, notReadyTaintKey, taintsOf, unreachableTaintKey } from './taints.js';
import { computeZoneState, ZoneEvictionQueue, zoneKey, zoneName, type ZoneState } from './zones.js';
import { rfc3339 } from '../../api/rfc3339.js';
import { eachLimit } from '../internal/each-limit.js';

export interface NodeHealthMonitorOptions {
  client: ApiClient;
  nodes: ResourceDescriptor;
  pods: ResourceDescriptor;
  nodeInformer: Informer;
  leaseInformer: Informer;
  podInformer: Informer;
  /** Index of `podInformer` by `spec.nodeName`. */
  podsByNodeIndex: string;
  recorder: EventRecorder;
  settings: NodeLifecycleSettings;
  logger: Logger;
}

/** What the monitor remembers of a node between passes (Kubernetes' nodeHealthData). */
interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  heartbeat?: string;
  transition?: string;
  hadReady: boolean;
  leaseRenewTime?: number;
}

const notReadyNoExecute = { key: notReadyTaintKey, effect: 'NoExecute' };
const unreachableNoExecute = { key: unreachableTaintKey, effect: 'NoExecute' };
const monitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const excludeDisruptionLabel = 'node.kubernetes.io/exclude-disruption';

/**
 * The node lifecycle controller's health pass: a node whose Lease and status have not moved for the
 * grace period becomes Unknown (Ready, MemoryPressure, DiskPressure, PIDPressure); not-Ready nodes
 * queue for their NoExecute taint (not-ready or unreachable), handed out per zone at the eviction
 * rate, which depends on the zone's health; Ready nodes lose those taints; pods on a node that stops
 * being Ready are marked not Ready. When every zone is fully disrupted (the control plane, not the
 * nodes, is likely at fault) it untaints everything and evicts nothing until a node is Ready again.
 */
export class NodeHealthMonitor {
  readonly zoneStates = new Map<string, ZoneState>();
  private readonly health = new Map<string, NodeHealth>();
  private readonly queues = new Map<string, ZoneEvictionQueue>();
  /** Nodes whose pods could not all be marked not Ready yet. */
  private readonly markRetry = new Set<string>();
  private readonly s: NodeLifecycleSettings;

  constructor(private readonly o: NodeHealthMonitorOptions) {
    this.s = o.settings;
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.o.nodeInformer.waitForSync(signal), this.o.leaseInformer.waitForSync(signal), this.o.podInformer.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    const taintLoop = (async () => {
      while (!signal.aborted) {
        await this.taintPass().catch((e) => this.o.logger('node-lifecycle: NoExecute tainting pass failed', e));
        await sleep(this.s.taintPassPeriodMs, signal);
      }
    })();
    while (!signal.aborted) {
      await this.monitorPass().catch((e) => this.o.logger('node-lifecycle: node health pass failed', e));
      await sleep(this.s.nodeMonitorPeriodMs, signal);
    }
    await taintLoop;
  }

  /**
   * One look at every node (Kubernetes' monitorNodeHealth): health first, then zone states and rates,
   * then taints and pods, so a zone found disrupted in this pass queues no evictions at the old rate.
   */
  async monitorPass(): Promise<void> {
    const nodes = this.o.nodeInformer.store.list();
    const zoneReady = new Map<string, (string | undefined)[]>();
    const seen = new Set<string>();
    const results: { observed: string | undefined; current: string | undefined; node: KubeObject; skip?: boolean }[] = [];
    // One clock reading for the pass: nodes first seen in the same pass lapse in the same pass, not a
    // millisecond apart in two, which would show a zone a node at a time.
    const now = Date.now();
    await eachLimit(nodes, 16, async (node) => {
      seen.add(node.metadata.name!);
      const zone = zoneKey(node);
      if (!this.zoneStates.has(zone)) {
        this.zoneStates.set(zone, 'Initial');
        this.queues.set(zone, new ZoneEvictionQueue(this.s.evictionRate));
      }
      const r = await this.updateHealth(node, now);
      results.push(r);
      if (!(excludeDisruptionLabel in (node.metadata.labels ?? {}))) {
        let list = zoneReady.get(zone);
        if (!list) zoneReady.set(zone, (list = []));
        list.push(r.current);
      }
    });
    for (const name of [...this.health.keys()]) {
      if (seen.has(name)) continue;
      this.health.delete(name);
      this.markRetry.delete(name);
      for (const q of this.queues.values()) q.remove(name);
    }
    await this.handleDisruption(zoneReady, nodes);
    await eachLimit(results, 16, async ({ observed, current, node, skip }) => {
      const name = node.metadata.name!;
      if (current === undefined || skip) return;
      await this.processTaintBasedEviction(node, current);
      if (current !== 'True' && (observed === 'True' || this.markRetry.has(name))) {
        if (observed === 'True') this.o.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        if (await this.markPodsNotReady(node)) this.markRetry.delete(name);
        else this.markRetry.add(name);
      } else if (current === 'True') this.markRetry.delete(name);
    });
  }

  /** Works each zone's queue at its rate (Kubernetes' doNoExecuteTaintingPass). */
  async taintPass(): Promise<void> {
    for (const q of this.queues.values()) {
      await q.work(async (name) => {
        const node = this.o.nodeInformer.store.get(name);
        const ready = node && nodeCondition(node, 'Ready');
        if (!node || !ready) return true;
        try {
          if (ready.status === 'False') await updateNodeTaints(this.o.client, this.o.nodes, node, swapTaints([notReadyNoExecute], [unreachableNoExecute]));
          else if (ready.status === 'Unknown') await updateNodeTaints(this.o.client, this.o.nodes, node, swapTaints([unreachableNoExecute], [notReadyNoExecute]));
          return true;
        } catch (e) {
          this.o.logger(`node-lifecycle: tainting node "${name}" failed, will retry`, e);
          return false;
        }
      });
    }
  }

  /** Zone queue sizes, for tests and metrics. */
  queued(zone: string): number {
    return this.queues.get(zone)?.size ?? 0;
  }

  /** Refreshes a node's probe time from its status and Lease; marks it Unknown when they are too old. */
  private async updateHealth(node: KubeObject, now: number): Promise<{ observed: string | undefined; current: string | undefined; node: KubeObject; skip?: boolean }> {
    const name = node.metadata.name!;
    const ready = nodeCondition(node, 'Ready');
    const grace = ready ? this.s.nodeMonitorGracePeriodMs : this.s.nodeStartupGracePeriodMs;
    let h = this.health.get(name);
    if (!h) {
      // First sight (or a controller restart): the node gets a full grace period from now.
      h = { probeTimestamp: now, readyTransitionTimestamp: now, hadReady: Boolean(ready), heartbeat: ready?.lastHeartbeatTime, transition: ready?.lastTransitionTime };
      this.health.set(name, h);
    } else if (ready && (!h.hadReady || h.heartbeat !== ready.lastHeartbeatTime)) {
      h.probeTimestamp = now;
      if (h.transition !== ready.lastTransitionTime) h.readyTransitionTimestamp = now;
      h.heartbeat = ready.lastHeartbeatTime;
      h.transition = ready.lastTransitionTime;
      h.hadReady = true;
    }
    const lease = this.o.leaseInformer.store.get(`kube-node-lease/${name}`);
    const renew = Date.parse(String((lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? ''));
    if (Number.isFinite(renew) && (h.leaseRenewTime === undefined || renew > h.leaseRenewTime)) {
      h.leaseRenewTime = renew;
      h.probeTimestamp = now;
    }
    const observed = ready?.status;
    if (now <= h.probeTimestamp + grace) return { observed, current: observed, node };

    const updated = deepClone(node);
    const status = (updated.status ??= {}) as { conditions?: Record<string, unknown>[] };
    const conditions = (status.conditions ??= []);
    for (const type of monitoredConditions) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({ type, status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: rfc3339(now), reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
      } else if (c.status !== 'Unknown') {
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = rfc3339(now);
      }
    }
    if (ready?.status === 'Unknown') return { observed, current: 'Unknown', node };
    try {
      const written = await this.o.client.updateStatus(this.o.nodes, updated);
      h.readyTransitionTimestamp = now;
      h.transition = nodeCondition(written, 'Ready')?.lastTransitionTime;
      return { observed, current: 'Unknown', node: written };
    } catch (e) {
      // Changed meanwhile (the agent came back, say): the next pass decides on the new state.
      if (!isConflict(e) && !isNotFound(e)) this.o.logger(`node-lifecycle: marking node "${name}" Unknown failed`, e);
      return { observed, current: observed, node, skip: true };
    }
  }

  private async processTaintBasedEviction(node: KubeObject, ready: string): Promise<void> {
    const name = node.metadata.name!;
    const queue = this.queues.get(zoneKey(node))!;
    const taints = taintsOf(node);
    try {
      if (ready === 'False') {
        // Already tainted the other way: swap at once, no need to wait for a token.
        if (hasTaint(taints, unreachableTaintKey, 'NoExecute')) await updateNodeTaints(this.o.client, this.o.nodes, node, swapTaints([notReadyNoExecute], [unreachableNoExecute]));
        else if (!hasTaint(taints, notReadyTaintKey, 'NoExecute')) queue.add(name);
      } else if (ready === 'Unknown') {
        if (hasTaint(taints, notReadyTaintKey, 'NoExecute')) await updateNodeTaints(this.o.client, this.o.nodes, node, swapTaints([unreachableNoExecute], [notReadyNoExecute]));
        else if (!hasTaint(taints, unreachableTaintKey, 'NoExecute')) queue.add(name);
      } else if (ready === 'True') {
        await this.markReachable(node);
      }
    } catch (e) {
      this.o.logger(`node-lifecycle: updating the NoExecute taints of node "${name}" failed, will retry`, e);
    }
  }

  /** Removes both NoExecute taints and takes the node out of its zone's queue. */
  private async markReachable(node: KubeObject): Promise<void> {
    this.queues.get(zoneKey(node))?.remove(node.metadata.name!);
    const taints = taintsOf(node);
    if (!hasTaint(taints, notReadyTaintKey, 'NoExecute') && !hasTaint(taints, unreachableTaintKey, 'NoExecute')) return;
    await updateNodeTaints(this.o.client, this.o.nodes, node, swapTaints([], [notReadyNoExecute, unreachableNoExecute]));
  }

  /** Takes the NoExecute taints off every node: what full disruption mode keeps to. */
  private async untaintAll(nodes: KubeObject[]): Promise<void> {
    for (const node of nodes) await this.markReachable(node).catch((e) => this.o.logger(`node-lifecycle: untainting node "${node.metadata.name}" failed`, e));
  }

  /** Sets Ready=False on every pod of the node that says Ready=True; false when some write failed. */
  private async markPodsNotReady(node: KubeObject): Promise<boolean> {
    const name = node.metadata.name!;
    let ok = true;
    const now = rfc3339(Date.now());
    for (const pod of this.o.podInformer.store.byIndex(this.o.podsByNodeIndex, name)) {
      if ((pod.spec as { nodeName?: string } | undefined)?.nodeName !== name) continue;
      const conditions = ((pod.status as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []).map((c) => ({ ...c }));
      const ready = conditions.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      ready.status = 'False';
      ready.lastTransitionTime = now;
      try {
        await this.o.client.patch(this.o.pods, pod.metadata.name!, { metadata: { resourceVersion: pod.metadata.resourceVersion }, status: { conditions } }, { type: 'merge', namespace: pod.metadata.namespace, subresource: 'status' });
        this.o.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (isNotFound(e)) continue;
        ok = false;
        if (!isConflict(e)) this.o.logger(`node-lifecycle: marking pod "${pod.metadata.namespace}/${pod.metadata.name}" not Ready failed`, e);
      }
    }
    return ok;
  }

  /** Sets each zone's eviction rate from its state; stops all evictions when every zone is down. */
  private async handleDisruption(zoneReady: Map<string, (string | undefined)[]>, nodes: KubeObject[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allFully = zoneReady.size > 0;
    for (const [zone, statuses] of zoneReady) {
      const { state } = computeZoneState(statuses, this.s.unhealthyZoneThreshold);
      if (state !== 'FullDisruption') allFully = false;
      newStates.set(zone, state);
    }
    let allWereFully = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneReady.has(zone)) {
        this.zoneStates.delete(zone);
        this.queues.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') allWereFully = false;
    }
    if (allFully && allWereFully) {
      // Again at every pass: a tainting pass that raced the switch may have landed a taint after the untainting.
      await this.untaintAll(nodes);
      return;
    }
    if (allFully) {
      this.o.logger('node-lifecycle: every zone is fully disrupted; evictions stop until a node is Ready again');
      await this.untaintAll(nodes);
      for (const zone of this.zoneStates.keys()) {
        this.queues.get(zone)?.setRate(0);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWereFully && this.zoneStates.size > 0) {
      this.o.logger('node-lifecycle: some nodes are Ready again; leaving full disruption mode');
      const now = Date.now();
      for (const h of this.health.values()) {
        h.probeTimestamp = now;
        h.readyTransitionTimestamp = now;
      }
      for (const zone of this.zoneStates.keys()) {
        const state = newStates.get(zone) ?? 'Normal';
        this.setZoneRate(zone, zoneReady.get(zone)?.length ?? 0, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, old] of this.zoneStates) {
      const state = newStates.get(zone)!;
      if (state === old) continue;
      if (old !== 'Initial' || state !== 'Normal') this.o.logger(`node-lifecycle: zone ${zoneName(zone)} is now ${state}`);
      this.setZoneRate(zone, zoneReady.get(zone)?.length ?? 0, state);
      this.zoneStates.set(zone, state);
    }
  }

  private setZoneRate(zone: string, size: number, state: ZoneState): void {
    const q = this.queues.get(zone);
    if (!q) return;
    if (state === 'PartialDisruption') q.setRate(size > this.s.largeClusterSizeThreshold ? this.s.secondaryEvictionRate : 0);
    else q.setRate(this.s.evictionRate);
  }
}
