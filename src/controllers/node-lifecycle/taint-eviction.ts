import { isConflict, isNotFound, type KubeObject } from '../../api/index.js';
import { deletedObject, objectKey, WorkQueue, type ApiClient, type EventRecorder, type Informer, type Logger, type ResourceDescriptor } from '../../client/index.js';
import { taintsOf, type Taint } from './taints.js';
import { rfc3339 } from '../../api/rfc3339.js';

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface TaintEvictionOptions {
  client: ApiClient;
  pods: ResourceDescriptor;
  nodeInformer: Informer;
  podInformer: Informer;
  podsByNodeIndex: string;
  recorder: EventRecorder;
  logger: Logger;
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.key && t.operator !== 'Exists') return false;
  return (t.value ?? '') === (taint.value ?? '');
}

/**
 * How long a pod may stay on a node with these NoExecute taints: 0 when some taint is not tolerated,
 * the smallest tolerationSeconds of the tolerations in use, or undefined for ever.
 */
export function tolerationTimeMs(taints: readonly Taint[], tolerations: readonly Toleration[]): number | undefined {
  let min: number | undefined;
  let forever = true;
  for (const taint of taints) {
    const using = tolerations.filter((t) => tolerates(t, taint));
    if (using.length === 0) return 0;
    for (const t of using) {
      if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
      forever = false;
      const ms = Math.max(0, t.tolerationSeconds) * 1000;
      if (min === undefined || ms < min) min = ms;
    }
  }
  return forever ? undefined : min;
}

/**
 * Kubernetes' taint eviction controller: a pod on a node with NoExecute taints it does not tolerate is
 * deleted (gracefully, with a DisruptionTarget condition first); one that tolerates them for a while
 * (tolerationSeconds) is deleted when that time has passed since the controller saw it tainted, unless
 * the taints go first.
 */
export class TaintEvictionController {
  private readonly queue = new WorkQueue();
  /** Scheduled evictions by pod key: when they were planned and fire. */
  private readonly scheduled = new Map<string, { createdAt: number; fireAt: number; timer: NodeJS.Timeout }>();
  readonly evicted: string[] = [];

  constructor(private readonly o: TaintEvictionOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const regs = [
      this.o.podInformer.addEventHandler({
        onAdd: (pod) => this.queuePod(pod),
        onUpdate: (old, pod) => {
          if (old.spec !== pod.spec || old.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp) this.queuePod(pod);
        },
        onDelete: (obj) => this.cancel(objectKey(deletedObject(obj)), false),
      }),
      this.o.nodeInformer.addEventHandler({
        onAdd: (node) => this.queueNode(node),
        onUpdate: (old, node) => {
          if (JSON.stringify(noExecute(taintsOf(old))) !== JSON.stringify(noExecute(taintsOf(node)))) this.queueNode(node);
        },
      }),
    ];
    signal.addEventListener('abort', () => {
      for (const r of regs) r.remove();
      this.queue.shutDown();
      for (const s of this.scheduled.values()) clearTimeout(s.timer);
      this.scheduled.clear();
    }, { once: true });
    const synced = await Promise.all([this.o.nodeInformer.waitForSync(signal), this.o.podInformer.waitForSync(signal)]);
    if (!synced.every(Boolean)) return;
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        this.process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private queuePod(pod: KubeObject): void {
    if ((pod.spec as { nodeName?: string } | undefined)?.nodeName) this.queue.add(objectKey(pod));
  }

  private queueNode(node: KubeObject): void {
    for (const pod of this.o.podInformer.store.byIndex(this.o.podsByNodeIndex, node.metadata.name!)) this.queue.add(objectKey(pod));
  }

  private process(key: string): void {
    const pod = this.o.podInformer.store.get(key);
    const nodeName = (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
    const node = nodeName ? this.o.nodeInformer.store.get(nodeName) : undefined;
    if (!pod || !node || pod.metadata.deletionTimestamp) return this.cancel(key, false);
    const taints = noExecute(taintsOf(node));
    if (taints.length === 0) return this.cancel(key, true);
    const tolerations = ((pod.spec as { tolerations?: Toleration[] }).tolerations ?? []) as Toleration[];
    const wait = tolerationTimeMs(taints, tolerations);
    if (wait === undefined) return this.cancel(key, true);
    const now = Date.now();
    const existing = this.scheduled.get(key);
    let createdAt = now;
    if (existing) {
      createdAt = existing.createdAt;
      // Already due no later than this would make it: keep it.
      if (createdAt + wait >= existing.fireAt) return;
      clearTimeout(existing.timer);
    }
    const fireAt = createdAt + wait;
    const timer = setTimeout(() => void this.evict(key), Math.max(0, fireAt - now));
    this.scheduled.set(key, { createdAt, fireAt, timer });
  }

  private cancel(key: string, withEvent: boolean): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    clearTimeout(s.timer);
    this.scheduled.delete(key);
    const pod = this.o.podInformer.store.get(key);
    if (withEvent && pod) this.o.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  private async evict(key: string): Promise<void> {
    this.scheduled.delete(key);
    const pod = this.o.podInformer.store.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const { client, pods } = this.o;
    const ns = pod.metadata.namespace;
    this.o.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      const conditions = ((pod.status as { conditions?: { type: string }[] } | undefined)?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', lastTransitionTime: rfc3339(Date.now()), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' } as { type: string });
      await client.patch(pods, pod.metadata.name!, { status: { conditions } }, { type: 'merge', namespace: ns, subresource: 'status' }).catch((e) => {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      });
      await client.delete(pods, pod.metadata.name!, { namespace: ns, preconditions: { uid: pod.metadata.uid } });
      this.evicted.push(key);
    } catch (e) {
      if (isNotFound(e) || isConflict(e)) return;
      this.o.logger(`taint-eviction: deleting pod "${key}" failed, will retry`, e);
      setTimeout(() => this.queue.add(key), 1000).unref?.();
    }
  }
}

function noExecute(taints: readonly Taint[]): Taint[] {
  return taints.filter((t) => t.effect === 'NoExecute');
}
