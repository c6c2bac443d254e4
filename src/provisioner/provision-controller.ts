import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { isAlreadyExists, isConflict, isNotFound, type KubeObject } from '../api/index.js';
import {
  controllerFor,
  defaultLogger,
  ExponentialFailureRateLimiter,
  objectKey,
  type ApiClient,
  type Informer,
  type Logger,
  type ReconcileResult,
  type ResourceDescriptor,
  type SharedInformerFactory,
} from '../client/index.js';
import {
  CLAIM_FINALIZER,
  LAST_ERROR_ANNOTATION,
  NEXT_RETRY_ANNOTATION,
  PROVISIONED_BY_ANNOTATION,
  PV_FINALIZER,
  requestedProvisioner,
  SELECTED_NODE_ANNOTATION,
} from './annotations.js';
import { asClaim, asClass, asObject, asVolume, bytesOf, parametersOf, requestedStorage, rfc3339 } from './claim-helpers.js';
import type { EventSink } from './paced-recorder.js';
import type { Provisioner } from './provisioner.js';
import { RetryGate } from './retry-gate.js';
import { VolumeResizer } from './volume-resizer.js';
import { volumeForClaim, volumeNameFor } from './volume-for-claim.js';

/** The resources the controller reads and writes. */
export interface ProvisionResources {
  claims: ResourceDescriptor;
  volumes: ResourceDescriptor;
  classes: ResourceDescriptor;
  nodes: ResourceDescriptor;
}

export interface ProvisionControllerOptions {
  client: ApiClient;
  informers: SharedInformerFactory;
  resources: ProvisionResources;
  provisioner: Provisioner;
  /** Where events go; wrap an `EventRecorder` in a `PacedRecorder` when many claims arrive at once. */
  recorder: EventSink;
  logger?: Logger;
  /** Claims handled at once (each a different claim); 4 by default. */
  workers?: number;
  /** Retry backoff after a failure: first delay and cap (1 s and 5 min by default). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * Runs one `Provisioner`: claims that name it in `volume.kubernetes.io/storage-provisioner` (and, for
 * WaitForFirstConsumer classes, carry the scheduler's selected node) get a PV `pvc-<uid>` made from its
 * answer; Released PVs it made with reclaim policy Delete lose their backing and then the PV; bound
 * claims whose request grew are resized through it. Failures retry with exponential backoff, shown on
 * the claim (annotations and events).
 */
export class ProvisionController {
  private readonly claims: Informer;
  private readonly volumes: Informer;
  private readonly classes: Informer;
  private readonly nodes: Informer;
  private readonly gate: RetryGate;
  private readonly log: Logger;
  private readonly resizer: VolumeResizer;
  /** PVs created but maybe not yet in the informer, by claim key: a quick second pass must not provision again. */
  private readonly created = new Map<string, string>();

  constructor(private readonly opts: ProvisionControllerOptions) {
    const { informers, resources } = opts;
    this.claims = informers.informerFor(resources.claims);
    this.volumes = informers.informerFor(resources.volumes);
    this.classes = informers.informerFor(resources.classes);
    this.nodes = informers.informerFor(resources.nodes);
    this.gate = new RetryGate(opts.retryBaseMs, opts.retryMaxMs);
    this.log = opts.logger ?? defaultLogger;
    this.resizer = new VolumeResizer({
      client: opts.client,
      resources,
      provisioner: opts.provisioner,
      recorder: opts.recorder,
      gate: this.gate,
      volume: (name) => asVolume(this.volumes.store.get(name)),
      storageClass: (name) => asClass(this.classes.store.get(name)),
    });
  }

  get name(): string {
    return this.opts.provisioner.name;
  }

  /** Starts both loops (claims, volumes); resolves once they stop when `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    const { informers, resources } = this.opts;
    const claimOf = (obj: KubeObject): string[] => {
      const ref = asVolume(obj)?.spec?.claimRef;
      return ref?.name ? [`${ref.namespace ?? ''}/${ref.name}`] : [];
    };
    const claimLoop = controllerFor(informers, resources.claims)
      .named(`${this.name} provisioner`)
      .watches(resources.volumes, claimOf)
      .watches(resources.classes, () => [])
      .watches(resources.nodes, () => [])
      // Provisioning failures wait in the RetryGate; what is thrown here is an API write that lost a race,
      // retried per claim without the default overall 10/s cap, which a thousand claims at once would hit.
      .complete({ reconcile: (key, s) => this.reconcileClaim(key, s) }, { workers: this.opts.workers ?? 4, logger: this.log, rateLimiter: new ExponentialFailureRateLimiter(20, 30_000) });
    const volumeLoop = controllerFor(informers, resources.volumes)
      .named(`${this.name} deleter`)
      .watches(resources.claims, (obj) => {
        const name = asClaim(obj)?.spec?.volumeName;
        return name ? [name] : [];
      })
      .complete({ reconcile: (key, s) => this.reconcileVolume(key, s) }, { workers: 2, logger: this.log, rateLimiter: new ExponentialFailureRateLimiter(20, 30_000) });
    await Promise.all([claimLoop.start(signal), volumeLoop.start(signal)]);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await Promise.all([claimLoop.stop(), volumeLoop.stop()]);
  }

  /** One claim: provision it, finish its deletion, or resize its volume. */
  async reconcileClaim(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const claim = asClaim(this.claims.store.get(key));
    if (!claim) {
      this.gate.succeeded(key);
      this.created.delete(key);
      return;
    }
    if (claim.metadata?.deletionTimestamp) return this.finishClaimDeletion(key, claim, signal);
    if (claim.spec?.volumeName) return this.resizer.reconcile(key, claim, signal);
    if (requestedProvisioner(claim.metadata?.annotations) !== this.name) return;
    return this.provision(key, claim, signal);
  }

  private async provision(key: string, claim: PersistentVolumeClaim, signal: AbortSignal): Promise<ReconcileResult | void> {
    const className = claim.spec?.storageClassName ?? '';
    const cls = asClass(this.classes.store.get(className));
    const annotations = claim.metadata?.annotations ?? {};
    const selectedNodeName = annotations[SELECTED_NODE_ANNOTATION];
    if (cls) {
      if (cls.provisioner !== this.name) return;
      // The scheduler has not picked a node yet: nothing to do until it writes one.
      if (cls.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNodeName) return;
    }
    const pvName = volumeNameFor(claim);
    if (this.volumes.store.get(pvName) || this.created.get(key) === pvName) return this.clearError(claim);
    const wait = this.gate.wait(key);
    if (wait > 0) return { requeueAfterMs: wait };
    if (!cls) return this.failed(key, claim, `storageclass.storage.k8s.io "${className}" not found`, className);
    await this.addClaimFinalizer(claim);
    const capacity = requestedStorage(claim) ?? '0';
    let result;
    try {
      result = await this.opts.provisioner.provision(
        {
          pvName,
          claim,
          parameters: parametersOf(cls),
          capacity,
          capacityBytes: bytesOf(capacity),
          selectedNodeName,
          selectedNode: selectedNodeName ? (this.nodes.store.get(selectedNodeName) as unknown as Node | undefined) : undefined,
        },
        signal,
      );
    } catch (e) {
      result = { status: 'Failure' as const, message: e instanceof Error ? e.message : String(e) };
    }
    if (result.status === 'NotSupported' && cls.volumeBindingMode === 'WaitForFirstConsumer' && selectedNodeName) {
      return this.reschedule(key, claim, className, selectedNodeName, result.message);
    }
    if (result.status !== 'Success') return this.failed(key, claim, result.message, className);
    const pv = volumeForClaim(this.name, claim, cls, result.volume);
    try {
      await this.opts.client.create(this.opts.resources.volumes, asObject(pv));
    } catch (e) {
      // A PV of this name exists: an earlier attempt made it; the same claim uid means the same volume.
      if (!isAlreadyExists(e)) return this.failed(key, claim, `creating PersistentVolume "${pvName}": ${(e as Error).message}`, className);
    }
    this.created.set(key, pvName);
    this.gate.succeeded(key);
    this.opts.recorder.event(asObject(claim), 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    return this.clearError(claim);
  }

  /** The selected node cannot host the volume: give the node back so the scheduler picks again. */
  private async reschedule(key: string, claim: PersistentVolumeClaim, className: string, node: string, message: string): Promise<void> {
    this.gate.succeeded(key);
    this.opts.recorder.event(
      asObject(claim),
      'Warning',
      'ProvisioningFailed',
      `failed to provision volume with StorageClass "${className}": ${message}; node "${node}" cannot host it, asking the scheduler for another node`,
    );
    await this.patchClaim(claim, { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: null, [LAST_ERROR_ANNOTATION]: message, [NEXT_RETRY_ANNOTATION]: null } } });
  }

  /** A failed attempt: an event, the error and next retry on the claim, and a timed retry. */
  private async failed(key: string, claim: PersistentVolumeClaim, message: string, className: string): Promise<ReconcileResult> {
    const { delayMs, at } = this.gate.failed(key);
    this.opts.recorder.event(asObject(claim), 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${message}`);
    try {
      await this.patchClaim(claim, { metadata: { annotations: { [LAST_ERROR_ANNOTATION]: message, [NEXT_RETRY_ANNOTATION]: rfc3339(at) } } });
    } catch (e) {
      this.log(`${this.name}: recording the provisioning error on claim ${objectKey(asObject(claim))} failed`, e);
    }
    return { requeueAfterMs: delayMs };
  }

  private async clearError(claim: PersistentVolumeClaim): Promise<void> {
    const a = claim.metadata?.annotations ?? {};
    if (a[LAST_ERROR_ANNOTATION] === undefined && a[NEXT_RETRY_ANNOTATION] === undefined) return;
    await this.patchClaim(claim, { metadata: { annotations: { [LAST_ERROR_ANNOTATION]: null, [NEXT_RETRY_ANNOTATION]: null } } });
  }

  private async patchClaim(claim: PersistentVolumeClaim, body: unknown): Promise<void> {
    try {
      await this.opts.client.patch(this.opts.resources.claims, claim.metadata?.name ?? '', body, { type: 'merge', namespace: claim.metadata?.namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Before the first backing exists, so a claim deleted mid-way still gets its backing removed. */
  private async addClaimFinalizer(claim: PersistentVolumeClaim): Promise<void> {
    await this.editClaimFinalizers(claim, (f) => (f.includes(CLAIM_FINALIZER) ? undefined : [...f, CLAIM_FINALIZER]));
  }

  /**
   * Changes the claim's finalizers as a compare-and-swap on its resourceVersion, so a finalizer someone
   * else just added survives; a conflict (the cached copy was old) is retried once on a fresh copy.
   */
  private async editClaimFinalizers(claim: PersistentVolumeClaim, edit: (finalizers: string[]) => string[] | undefined): Promise<void> {
    let current: PersistentVolumeClaim | undefined = claim;
    for (let attempt = 0; current; attempt++) {
      const next = edit(current.metadata?.finalizers ?? []);
      if (!next) return;
      try {
        await this.opts.client.patch(this.opts.resources.claims, current.metadata?.name ?? '', {
          metadata: { resourceVersion: current.metadata?.resourceVersion, finalizers: next },
        }, { type: 'merge', namespace: current.metadata?.namespace });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt > 0) throw e;
      }
      try {
        current = asClaim(await this.opts.client.get(this.opts.resources.claims, claim.metadata?.name ?? '', { namespace: claim.metadata?.namespace }));
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (current?.metadata?.uid !== claim.metadata?.uid) return;
    }
  }

  /**
   * A deleted claim that still holds this provisioner's finalizer: when no PV was made for it, whatever
   * backing an interrupted attempt left is removed; then the finalizer goes.
   */
  private async finishClaimDeletion(key: string, claim: PersistentVolumeClaim, signal: AbortSignal): Promise<ReconcileResult | void> {
    const finalizers = claim.metadata?.finalizers ?? [];
    if (!finalizers.includes(CLAIM_FINALIZER)) return;
    const pvName = volumeNameFor(claim);
    const pv = await this.currentVolume(pvName);
    if (!pv) {
      const wait = this.gate.wait(key);
      if (wait > 0) return { requeueAfterMs: wait };
      const cls = asClass(this.classes.store.get(claim.spec?.storageClassName ?? ''));
      const orphan = this.orphanVolume(claim, pvName);
      const result = await this.deleteBacking(orphan, cls, signal);
      if (result !== true) {
        const { delayMs } = this.gate.failed(key);
        this.opts.recorder.event(asObject(claim), 'Warning', 'VolumeFailedDelete', `removing the backing of the unfinished volume ${pvName}: ${result}`);
        return { requeueAfterMs: delayMs };
      }
    }
    this.gate.succeeded(key);
    await this.editClaimFinalizers(claim, (f) => (f.includes(CLAIM_FINALIZER) ? f.filter((x) => x !== CLAIM_FINALIZER) : undefined));
  }

  /** What a PV for the claim would have said, for a provisioner to find a backing an attempt left. */
  private orphanVolume(claim: PersistentVolumeClaim, pvName: string): PersistentVolume {
    const m = claim.metadata ?? {};
    const node = m.annotations?.[SELECTED_NODE_ANNOTATION];
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { [PROVISIONED_BY_ANNOTATION]: this.name, ...(node ? { [SELECTED_NODE_ANNOTATION]: node } : {}) } },
      spec: {
        storageClassName: claim.spec?.storageClassName,
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid },
      },
    };
  }

  private async currentVolume(name: string): Promise<PersistentVolume | undefined> {
    const cached = asVolume(this.volumes.store.get(name));
    if (cached) return cached;
    try {
      return asVolume(await this.opts.client.get(this.opts.resources.volumes, name));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** true, or why the backing could not be removed. */
  private async deleteBacking(pv: PersistentVolume, cls: StorageClass | undefined, signal: AbortSignal): Promise<true | string> {
    try {
      const r = await this.opts.provisioner.delete({ pv, parameters: cls ? parametersOf(cls) : undefined }, signal);
      return r.status === 'Success' ? true : r.message;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /**
   * One PV this provisioner made: once Released with reclaim policy Delete (its claim gone), the backing
   * is removed and then the PV; a PV deleted by hand keeps its finalizer until the backing is handled.
   */
  async reconcileVolume(key: string, signal: AbortSignal): Promise<ReconcileResult | void> {
    const pv = asVolume(this.volumes.store.get(key));
    if (!pv) {
      this.gate.succeeded(`pv:${key}`);
      return;
    }
    if (pv.metadata?.annotations?.[PROVISIONED_BY_ANNOTATION] !== this.name) return;
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Delete';
    const phase = pv.status?.phase;
    const deleting = Boolean(pv.metadata?.deletionTimestamp);
    const holds = (pv.metadata?.finalizers ?? []).includes(PV_FINALIZER);
    if (deleting && !holds) return;
    const released = phase === 'Released' || phase === 'Failed' || (deleting && phase !== 'Bound');
    if (policy !== 'Delete') {
      // Retain: the data stays; a deleted PV just lets go.
      if (deleting && holds) await this.releaseVolume(pv);
      return;
    }
    if (!released || !this.claimGone(pv)) return;
    const gateKey = `pv:${key}`;
    const wait = this.gate.wait(gateKey);
    if (wait > 0) return { requeueAfterMs: wait };
    const cls = asClass(this.classes.store.get(pv.spec?.storageClassName ?? ''));
    const result = await this.deleteBacking(pv, cls, signal);
    if (result !== true) {
      const { delayMs } = this.gate.failed(gateKey);
      this.opts.recorder.event(asObject(pv), 'Warning', 'VolumeFailedDelete', result);
      return { requeueAfterMs: delayMs };
    }
    this.gate.succeeded(gateKey);
    if (holds) await this.releaseVolume(pv);
    if (!deleting) {
      try {
        await this.opts.client.delete(this.opts.resources.volumes, key, pv.metadata?.uid ? { preconditions: { uid: pv.metadata.uid } } : {});
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** The claim the PV was made for no longer exists (or a namesake replaced it). */
  private claimGone(pv: PersistentVolume): boolean {
    const ref = pv.spec?.claimRef;
    if (!ref?.name) return true;
    const claim = this.claims.store.get(`${ref.namespace ?? ''}/${ref.name}`);
    return !claim || (ref.uid !== undefined && claim.metadata.uid !== ref.uid);
  }

  private async releaseVolume(pv: PersistentVolume): Promise<void> {
    const finalizers = (pv.metadata?.finalizers ?? []).filter((f) => f !== PV_FINALIZER);
    try {
      await this.opts.client.patch(this.opts.resources.volumes, pv.metadata?.name ?? '', {
        metadata: { resourceVersion: pv.metadata?.resourceVersion, finalizers },
      }, { type: 'merge' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

