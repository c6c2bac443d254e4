import { isConflict, isNotFound, type KubeObject } from '../../api/index.js';
import { objectKey, sleep, type ApiClient, type Informer, type Logger, type ResourceDescriptor } from '../../client/index.js';
import type { PodGcSettings } from './settings.js';
import { rfc3339 } from '../../api/rfc3339.js';
import { eachLimit } from '../internal/each-limit.js';

export interface PodGarbageCollectorOptions {
  client: ApiClient;
  pods: ResourceDescriptor;
  nodes: ResourceDescriptor;
  podInformer: Informer;
  nodeInformer: Informer;
  settings: PodGcSettings;
  logger: Logger;
}

interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function phaseOf(pod: KubeObject): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}

function nodeNameOf(pod: KubeObject): string {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
}

function isTerminated(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Kubernetes' pod garbage collector. Each pass it force-deletes:
 * - terminated pods beyond the threshold, evicted ones first, then oldest first;
 * - pods bound to a node that has been missing for the quarantine period (checked with a fresh GET),
 *   marked Failed with a DisruptionTarget condition first;
 * - terminating pods whose node is not Ready (or taken out of service) once their grace period is over,
 *   since no agent will confirm them (Kubernetes asks for the out-of-service taint; Wharf also acts
 *   on an unreachable node so simulated failures clean up);
 * - terminating pods that were never scheduled.
 */
export class PodGarbageCollector {
  readonly deleted: string[] = [];
  /** Node names seen missing, with when. */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly o: PodGarbageCollectorOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([this.o.podInformer.waitForSync(signal), this.o.nodeInformer.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    while (!signal.aborted) {
      await this.gc().catch((e) => this.o.logger('pod-gc: pass failed', e));
      await sleep(this.o.settings.gcPeriodMs, signal);
    }
  }

  async gc(): Promise<void> {
    const pods = this.o.podInformer.store.list();
    await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: KubeObject[]): Promise<void> {
    const threshold = this.o.settings.terminatedPodThreshold;
    if (threshold <= 0) return;
    const terminated = pods.filter(isTerminated);
    const excess = terminated.length - threshold;
    if (excess <= 0) return;
    const evicted = (p: KubeObject): number => ((p.status as { reason?: string } | undefined)?.reason === 'Evicted' ? 0 : 1);
    terminated.sort((a, b) => evicted(a) - evicted(b) || String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || objectKey(a).localeCompare(objectKey(b)));
    this.o.logger(`pod-gc: deleting ${excess} terminated pods over the threshold of ${threshold}`);
    await eachLimit(terminated.slice(0, excess), 20, (pod) => this.forceDelete(pod));
  }

  private async gcTerminating(pods: KubeObject[]): Promise<void> {
    const now = Date.now();
    const victims = pods.filter((pod) => {
      const deletion = pod.metadata.deletionTimestamp;
      const nodeName = nodeNameOf(pod);
      if (!deletion || !nodeName || Date.parse(deletion) > now) return false;
      const node = this.o.nodeInformer.store.get(nodeName);
      if (!node) return false;
      const ready = ((node.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
      const outOfService = ((node.spec as { taints?: { key: string; effect: string }[] } | undefined)?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/out-of-service' && t.effect === 'NoExecute');
      return outOfService || ready?.status !== 'True';
    });
    await eachLimit(victims, 20, (pod) => this.forceDelete(pod));
  }

  private async gcOrphaned(pods: KubeObject[]): Promise<void> {
    const now = Date.now();
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of pods) {
      const n = nodeNameOf(pod);
      if (!n || this.o.nodeInformer.store.get(n)) continue;
      let list = byNode.get(n);
      if (!list) byNode.set(n, (list = []));
      list.push(pod);
    }
    for (const n of [...this.missingSince.keys()]) if (!byNode.has(n)) this.missingSince.delete(n);
    for (const [nodeName, orphans] of byNode) {
      const since = this.missingSince.get(nodeName);
      if (since === undefined) {
        this.missingSince.set(nodeName, now);
        if (this.o.settings.quarantineMs > 0) continue;
      } else if (now - since < this.o.settings.quarantineMs) continue;
      // The cache may lag: only a node the server does not know either is gone.
      try {
        await this.o.client.get(this.o.nodes, nodeName);
        continue;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const condition: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: rfc3339(now) };
      await eachLimit(orphans, 20, (pod) => this.forceDelete(pod, condition));
    }
  }

  private async gcUnscheduledTerminating(pods: KubeObject[]): Promise<void> {
    await eachLimit(
      pods.filter((p) => p.metadata.deletionTimestamp && !nodeNameOf(p)),
      20,
      (pod) => this.forceDelete(pod),
    );
  }

  /** Marks a pod that is not yet terminated Failed (with `condition`), then deletes it with grace 0. */
  private async forceDelete(pod: KubeObject, condition?: PodCondition): Promise<void> {
    const { client, pods } = this.o;
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    try {
      if (!isTerminated(pod)) {
        const conditions = ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []).filter((c) => !condition || c.type !== condition.type);
        if (condition) conditions.push(condition);
        await client.patch(pods, name, { status: { phase: 'Failed', conditions } }, { type: 'merge', namespace: ns, subresource: 'status' });
      }
      await client.delete(pods, name, { namespace: ns, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      this.deleted.push(objectKey(pod));
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      this.o.logger(`pod-gc: deleting pod "${ns}/${name}" failed`, e);
    }
  }
}
