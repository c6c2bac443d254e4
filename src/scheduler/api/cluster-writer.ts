import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound, type KubeObject } from '../../api/index.js';
import { resourcePath, sleep, splitKey, type ApiClient, type Logger } from '../../client/index.js';
import { DEFAULT_SCHEDULER_NAME } from '../config/defaults.js';
import type { VolumeBindingDecision } from '../framework/interfaces.js';
import { podScheduledCondition, type SchedulingFailure } from '../scheduler.js';
import type { EventSink } from './event-sink.js';
import { InFlightLimit } from './in-flight-limit.js';
import { podsResource, pvcResource, pvResource } from './resources.js';
import { nowRfc3339 } from '../../api/rfc3339.js';

/** The annotation that asks a provisioner to create the volume where the pod goes. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** Marks a PV-PVC binding as made by a controller rather than asked for by the user. */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
/** Set by the PV controller on a claim once its binding to a volume is complete. */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';

/** Event notes are at most this long (Kubernetes' NoteLengthLimit). */
const NOTE_LENGTH_LIMIT = 1024;

/** Shortens an event message the way the scheduler does before recording it. */
export function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

export interface ClusterWriterOptions {
  client: ApiClient;
  /** Where events go; the component is the profile's schedulerName. */
  events: EventSink;
  /** The informer's current copy of a pod (namespace, name), undefined once it is gone. */
  currentPod(namespace: string, name: string): Pod | undefined;
  /** The informer's current copy of a PVC or PV. */
  currentClaim(namespace: string, name: string): KubeObject | undefined;
  currentVolume(name: string): KubeObject | undefined;
  logger: Logger;
  /** Bindings and status writes in flight at once; 256 by default. */
  maxInFlight?: number;
  /**
   * How long a pod's binding waits for the PV controller to bind its claims (kube-scheduler's
   * VolumeBinding bindTimeoutSeconds); 600 000 ms by default.
   */
  bindTimeoutMs?: number;
  /** Ends the waits for claims (the scheduler is stopping): their pods' bindings fail. */
  signal?: AbortSignal;
}

function asObject(pod: Pod): KubeObject {
  return { ...(pod as unknown as KubeObject), apiVersion: 'v1', kind: 'Pod' };
}

/** The PV controller finished binding the claim: it names its volume and says the binding is complete. */
function claimBound(claim: KubeObject): boolean {
  const volumeName = (claim.spec as { volumeName?: string } | undefined)?.volumeName;
  return !!volumeName && claim.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] !== undefined;
}

/**
 * Everything the scheduler writes to the API: bindings (POST pods/<name>/binding), preemption
 * (DisruptionTarget condition, DELETE, Preempted event), volume decisions, the PodScheduled condition
 * and nominated node of failed pods, and the Scheduled / FailedScheduling events.
 */
export class ClusterWriter {
  private readonly limit: InFlightLimit;
  private readonly background = new Set<Promise<unknown>>();
  /** Wake-ups of the bindings waiting on each claim (`namespace/name`), until its next change. */
  private readonly claimWaiters = new Map<string, Set<() => void>>();

  constructor(private readonly opts: ClusterWriterOptions) {
    this.limit = new InFlightLimit(opts.maxInFlight ?? 256);
  }

  /** POST pods/<name>/binding; the scheduler forgets the pod and retries it if this rejects. */
  bind(pod: Pod, nodeName: string): Promise<void> {
    const m = pod.metadata ?? {};
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: m.name, namespace: m.namespace, ...(m.uid ? { uid: m.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    return this.limit.run(async () => {
      await this.opts.client.request('POST', resourcePath(podsResource, m.namespace, m.name, 'binding'), body);
    });
  }

  /** Preempts a victim: marks why it goes, deletes it (this very pod, by UID) and tells its owner by an event. */
  async evict(victim: Pod, preemptor: Pod): Promise<void> {
    const m = victim.metadata ?? {};
    const ns = m.namespace ?? 'default';
    const name = m.name ?? '';
    const schedulerName = preemptor.spec?.schedulerName || DEFAULT_SCHEDULER_NAME;
    const condition: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${schedulerName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: nowRfc3339(),
    };
    await this.limit.run(async () => {
      try {
        await this.opts.client.patch(podsResource, name, { status: { conditions: [condition] } }, { type: 'strategic', namespace: ns, subresource: 'status' });
        await this.opts.client.delete(podsResource, name, { namespace: ns, ...(m.uid ? { preconditions: { uid: m.uid } } : {}) });
      } catch (e) {
        // Gone already, or replaced by a namesake: nothing of this victim is left to remove.
        if (isNotFound(e) || isConflict(e)) return;
        throw e;
      }
    });
    const node = victim.spec?.nodeName ?? '';
    this.opts.events.event(schedulerName, asObject(victim), 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${node}`);
  }

  /**
   * Writes what VolumeBinding decided before the pod is bound: static PVs get the claim's reference,
   * claims to provision get the selected-node annotation a provisioner waits for. They count against the
   * same in-flight limit as bindings: each write in flight holds a connection, and a burst of pods with
   * claims would otherwise open one per pod at once (new TLS connections stall a busy API server for
   * seconds; see the storage benchmark in bench/README.md).
   */
  async bindVolumes(pod: Pod, nodeName: string, decision: VolumeBindingDecision): Promise<void> {
    const { client } = this.opts;
    for (const [claimKey, pvName] of decision.staticBindings) {
      const { namespace: ns = '', name: claimName } = splitKey(claimKey);
      const claim = this.opts.currentClaim(ns, claimName);
      const claimRef: Record<string, string> = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name: claimName };
      if (claim?.metadata.uid) claimRef.uid = claim.metadata.uid;
      if (claim?.metadata.resourceVersion) claimRef.resourceVersion = claim.metadata.resourceVersion;
      const pv = this.opts.currentVolume(pvName);
      const bound = (pv?.spec as { claimRef?: { name?: string; namespace?: string } } | undefined)?.claimRef;
      if (bound?.name === claimName && bound.namespace === ns) continue;
      await this.limit.run(() =>
        client.patch(pvResource, pvName, { metadata: { annotations: { [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' } }, spec: { claimRef } }, { type: 'merge' }),
      );
    }
    for (const claimKey of decision.provision) {
      const { namespace: ns = '', name: claimName } = splitKey(claimKey);
      const claim = this.opts.currentClaim(ns, claimName);
      if (claim?.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName) continue;
      await this.limit.run(() => client.patch(pvcResource, claimName, { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } } }, { type: 'merge', namespace: ns }));
    }
    await this.awaitClaimsBound(pod, nodeName, decision);
  }

  /**
   * Waits, as kube-scheduler's VolumeBinding PreBind does, until the PV controller has bound every claim
   * of the decision (`spec.volumeName` and `pv.kubernetes.io/bind-completed` on the claim), reading the
   * informers' copies, so the pod reaches its node only once its volumes exist. Rejects, and the pod is
   * scheduled again, when a claim is deleted, when a provisioner took back the selected node (it cannot
   * provision there: Reschedule), when the pod is gone, or after the bind timeout.
   */
  private async awaitClaimsBound(pod: Pod, nodeName: string, decision: VolumeBindingDecision): Promise<void> {
    const keys = [...decision.staticBindings.keys(), ...decision.provision];
    if (keys.length === 0) return;
    const provisioned = new Set(decision.provision);
    // Claims whose selected-node the informers have shown: only then is a missing one taken back
    // (before, the informer's copy may simply predate our own write).
    const selectedSeen = new Set<string>();
    const deadline = Date.now() + (this.opts.bindTimeoutMs ?? 600_000);
    const m = pod.metadata ?? {};
    for (;;) {
      // Listening before looking, so a change landing in between still wakes us.
      const changed = this.nextChange(keys);
      try {
        let unbound = 0;
        for (const key of keys) {
          const { namespace: ns = '', name } = splitKey(key);
          const claim = this.opts.currentClaim(ns, name);
          if (!claim || claim.metadata.deletionTimestamp) throw new Error(`persistentvolumeclaim "${name}" was deleted`);
          if (claimBound(claim)) continue;
          if (provisioned.has(key)) {
            if (claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName) selectedSeen.add(key);
            else if (selectedSeen.has(key)) throw new Error(`selectedNode annotation reset for PVC "${name}"`);
          }
          unbound++;
        }
        if (unbound === 0) return;
        const current = this.opts.currentPod(m.namespace ?? 'default', m.name ?? '');
        if (!current || (m.uid && current.metadata?.uid !== m.uid)) throw new Error(`pod "${m.namespace}/${m.name}" was deleted while its volumes were being bound`);
        if (this.opts.signal?.aborted) throw new Error('the scheduler is stopping');
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${unbound} persistentvolumeclaim(s) to be bound`);
        // Woken by a change of one of the claims; once a second anyway, for the pod and the deadline.
        await Promise.race([changed.promise, sleep(1000, this.opts.signal)]);
      } finally {
        changed.cancel();
      }
    }
  }

  /** Tells the bindings waiting on a claim (`namespace/name`) that the informers hold a new copy of it. */
  claimChanged(key: string): void {
    const waiting = this.claimWaiters.get(key);
    if (!waiting) return;
    this.claimWaiters.delete(key);
    for (const wake of waiting) wake();
  }

  /** Resolves at the next `claimChanged` of any of `keys`; `cancel` stops listening. */
  private nextChange(keys: readonly string[]): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    for (const key of keys) {
      let set = this.claimWaiters.get(key);
      if (!set) this.claimWaiters.set(key, (set = new Set()));
      set.add(wake);
    }
    const cancel = (): void => {
      for (const key of keys) {
        const set = this.claimWaiters.get(key);
        set?.delete(wake);
        if (set?.size === 0) this.claimWaiters.delete(key);
      }
    };
    return { promise, cancel };
  }

  onScheduled(pod: Pod, _nodeName: string, message: string): void {
    this.opts.events.event(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME, asObject(pod), 'Normal', 'Scheduled', message);
  }

  /**
   * A failed attempt: a FailedScheduling event, and the PodScheduled=False condition and nominated node
   * on the pod's status, written only when they changed (a pod retried many times is patched once).
   */
  onFailure(pod: Pod, failure: SchedulingFailure): void {
    const m = pod.metadata ?? {};
    const current = this.opts.currentPod(m.namespace ?? 'default', m.name ?? '');
    // Deleted, replaced or bound meanwhile: the failure is old news.
    if (!current || (m.uid && current.metadata?.uid !== m.uid) || current.spec?.nodeName) return;
    this.opts.events.event(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME, asObject(current), 'Warning', 'FailedScheduling', truncateMessage(failure.message));
    const patch = statusPatch(current, failure);
    if (!patch) return;
    // Only onto the version judged unbound: a binding landing meanwhile (another scheduler, a user)
    // makes this a conflict instead of putting PodScheduled=False over its PodScheduled=True.
    const guarded = { metadata: { resourceVersion: current.metadata?.resourceVersion }, ...patch };
    this.track(
      this.limit
        .run(() => this.opts.client.patch(podsResource, m.name ?? '', guarded, { type: 'strategic', namespace: m.namespace, subresource: 'status' }))
        .catch((e) => {
          if (!isNotFound(e) && !isConflict(e)) this.opts.logger(`updating the status of pod ${m.namespace}/${m.name} failed`, e);
        }),
    );
  }

  /** Resolves when every write and event started so far has settled. */
  async flush(): Promise<void> {
    await this.limit.idle();
    while (this.background.size) await Promise.allSettled([...this.background]);
    await this.opts.events.flush();
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }
}

/** The status patch a failure asks for, or undefined when the pod already says so. */
export function statusPatch(pod: Pod, failure: SchedulingFailure): { status: Record<string, unknown> } | undefined {
  const wanted = podScheduledCondition(failure);
  const existing = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const conditionChanged = !existing || existing.status !== wanted.status || existing.reason !== wanted.reason || existing.message !== wanted.message;
  const nominated = failure.nominatedNodeName;
  const nominationChanged = nominated !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominated;
  if (!conditionChanged && !nominationChanged) return undefined;
  const status: Record<string, unknown> = {};
  if (conditionChanged) {
    // The transition time moves only when the status does.
    if (existing && existing.status === wanted.status && existing.lastTransitionTime) wanted.lastTransitionTime = existing.lastTransitionTime;
    status.conditions = [{ ...wanted, lastProbeTime: null }];
  }
  if (nominationChanged) status.nominatedNodeName = nominated === '' ? null : nominated;
  return { status };
}
