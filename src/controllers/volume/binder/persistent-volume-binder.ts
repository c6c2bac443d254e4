import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { isConflict, isNotFound, type KubeObject } from '../../../api/index.js';
import type { ApiClient, EventRecorder, EventType, Informer, ResourceDescriptor } from '../../../client/index.js';
import { podClaimIndex, isPodTerminated } from '../protection/pod-claims.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  NOT_SUPPORTED_PROVISIONER,
} from './annotations.js';
import { FreshObjects } from './fresh-objects.js';
import { claimClass, claimKey, claimRefKey, findBestMatch, isVolumeBoundToClaim, volumeModeMismatch, volumeUnsatisfiedReason, type Claim, type Volume } from './volume-matching.js';

type ClassObject = KubeObject & Pick<StorageClass, 'provisioner' | 'volumeBindingMode'>;
type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

export interface PersistentVolumeBinderOptions {
  client: ApiClient;
  volumes: ResourceDescriptor;
  claims: ResourceDescriptor;
  volumeInformer: Informer<Volume>;
  claimInformer: Informer<Claim>;
  classInformer: Informer;
  /** Pods indexed by `podClaimIndex`, to name the pods a WaitForFirstConsumer claim waits for. */
  podInformer: Informer;
  recorder: Pick<EventRecorder, 'event'>;
  /** Asks for a claim to be synced soon (the claim queue). */
  enqueueClaim(key: string): void;
}

function hasAnnotation(obj: KubeObject, name: string): boolean {
  return obj.metadata.annotations?.[name] !== undefined;
}

function withAnnotations<T extends KubeObject>(obj: T, set: Record<string, string>): T {
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, ...set } } };
}

/**
 * Kubernetes' PersistentVolume controller: binds claims to volumes and keeps both sides' phases true.
 *
 * Binding is two writes that no transaction joins: the volume's `claimRef` (with the claim's UID) first,
 * then the claim's `volumeName`. Either object may change or vanish in between, and the process may stop
 * at any line; every sync therefore starts from what the objects say now, and a half-made bind in either
 * direction is finished by the next sync of either object. Claims of a class with a provisioner are
 * handed to it through `volume.kubernetes.io/storage-provisioner`; the provisioner creates a volume
 * pre-bound to the claim, which the binder then completes like any other.
 */
export class PersistentVolumeBinder {
  private readonly volumes: FreshObjects<Volume>;
  private readonly claims: FreshObjects<Claim>;

  constructor(private readonly o: PersistentVolumeBinderOptions) {
    this.volumes = new FreshObjects(o.volumeInformer);
    this.claims = new FreshObjects(o.claimInformer);
  }

  // ---- claims

  /** Syncs the claim `namespace/name`. */
  async syncClaim(key: string): Promise<void> {
    const claim = this.claims.get(key);
    if (!claim) return;
    if (!hasAnnotation(claim, ANN_BIND_COMPLETED)) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  private async syncUnboundClaim(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName === '') {
      const delayBinding = this.isDelayBinding(claim);
      const volume = findBestMatch(claim, this.volumes.list(), delayBinding);
      if (volume) {
        await this.bind(volume, claim);
        return;
      }
      if (delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
        this.emitWaitingForConsumer(claim);
      } else if (claimClass(claim) !== '') {
        // The provisioner answers with a volume pre-bound to the claim; its arrival syncs the claim again.
        await this.provisionClaim(claim);
        return;
      } else {
        this.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      await this.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    // The user asked for a specific volume.
    const volume = this.volumes.get(volumeName);
    if (!volume) {
      await this.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    if (!volume.spec?.claimRef) {
      const reason = volumeUnsatisfiedReason(volume, claim);
      if (reason) {
        this.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${reason}`);
        await this.updateClaimStatus(claim, 'Pending', undefined);
        return;
      }
      await this.bind(volume, claim);
      return;
    }
    if (isVolumeBoundToClaim(volume, claim)) {
      await this.bind(volume, claim);
      return;
    }
    this.event(claim, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
    if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) {
      // Pre-bound by the user to a volume someone else holds: wait for it.
      await this.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    throw new Error(`invalid binding of claim "${claimKey(claim)}" to volume "${volumeName}": volume already claimed by "${claimRefKey(volume)}"`);
  }

  private async syncBoundClaim(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName === '') {
      await this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.volumes.get(volumeName);
    if (!volume) {
      await this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid === claim.metadata.uid) {
      // Unbound volume (or a volume update not seen yet): bind again; otherwise make sure all is written.
      await this.bind(volume, claim);
      return;
    }
    await this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  private isDelayBinding(claim: Claim): boolean {
    const name = claimClass(claim);
    if (name === '') return false;
    const cls = this.o.classInformer.store.get(name) as ClassObject | undefined;
    return cls?.volumeBindingMode === 'WaitForFirstConsumer';
  }

  private emitWaitingForConsumer(claim: Claim): void {
    const pods = this.o.podInformer.store
      .byIndex(podClaimIndex, claimKey(claim))
      .filter((p) => !isPodTerminated(p) && !(p.spec as { nodeName?: string } | undefined)?.nodeName)
      .map((p) => p.metadata.name ?? '')
      .sort();
    if (pods.length === 0) this.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    else if (pods.length === 1) this.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pod ${pods[0]} to be scheduled`);
    else this.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pods ${pods.join(',')} to be scheduled`);
  }

  /** Hands the claim to its class's provisioner by annotating it, and says so in an event. */
  private async provisionClaim(claim: Claim): Promise<void> {
    const className = claimClass(claim);
    const cls = this.o.classInformer.store.get(className) as ClassObject | undefined;
    if (!cls) {
      this.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = cls.provisioner ?? '';
    if (provisioner === NOT_SUPPORTED_PROVISIONER || provisioner === '') {
      this.event(claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`);
      return;
    }
    let current = claim;
    if (claim.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== provisioner) {
      try {
        current = await this.writeClaim(withAnnotations(claim, { [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner }));
      } catch (e) {
        // A lost race is retried at once and is no news to the user.
        if (!isConflict(e)) this.event(claim, 'Warning', 'ProvisioningFailed', `Error saving claim: ${(e as Error).message}`);
        throw e;
      }
    }
    this.event(
      current,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  // ---- volumes

  /** Syncs the volume `name`. */
  async syncVolume(name: string): Promise<void> {
    let volume = this.volumes.get(name);
    if (!volume) return;
    const ref = volume.spec?.claimRef;
    if (!ref || !ref.uid) {
      // Unused, or reserved for a claim by name whose sync will finish the bind.
      await this.updateVolumePhase(volume, 'Available', '');
      return;
    }
    const key = claimRefKey(volume)!;
    let claim = this.claims.get(key);
    const phase = volume.status?.phase;
    if (!claim && phase !== 'Released' && phase !== 'Failed') {
      // A volume made by a provisioner or bound by the scheduler may name a claim the informer has not
      // delivered yet: ask the server before releasing anything.
      claim = await this.fetchClaim(ref.namespace ?? '', ref.name ?? '');
    }
    if (claim && claim.metadata.uid !== ref.uid) {
      // The informer may hold an older namesake; the server's answer decides.
      const live = await this.fetchClaim(ref.namespace ?? '', ref.name ?? '');
      claim = live && live.metadata.uid === ref.uid ? live : undefined;
    }
    if (!claim) {
      if (phase !== 'Released' && phase !== 'Failed') volume = await this.updateVolumePhase(volume, 'Released', '');
      await this.reclaimVolume(volume);
      return;
    }
    const claimVolume = claim.spec?.volumeName ?? '';
    if (claimVolume === '') {
      if (volumeModeMismatch(claim, volume)) {
        this.event(volume, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.`);
        this.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      // Half-bound: the claim's sync writes its side.
      this.o.enqueueClaim(key);
      return;
    }
    if (claimVolume === name) {
      await this.updateVolumePhase(volume, 'Bound', '');
      return;
    }
    // The claim is bound to another volume.
    if (hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      // Provisioned for this claim but no longer needed: release it to its provisioner.
      if (phase !== 'Released' && phase !== 'Failed') volume = await this.updateVolumePhase(volume, 'Released', '');
      await this.reclaimVolume(volume);
      return;
    }
    await this.unbindVolume(volume);
  }

  private async fetchClaim(namespace: string, name: string): Promise<Claim | undefined> {
    try {
      return await this.o.client.get<Claim>(this.o.claims, name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Applies the reclaim policy of a volume whose claim is gone. */
  private async reclaimVolume(volume: Volume): Promise<void> {
    const name = volume.metadata.name ?? '';
    switch (volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return;
      case 'Recycle':
        await this.updateVolumePhaseWithEvent(volume, 'Failed', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
        return;
      case 'Delete': {
        if (volume.metadata.deletionTimestamp) return;
        if (volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED]) {
          // Its provisioner deletes the backing storage and then the volume object.
          return;
        }
        // Wharf has no in-tree deleters: a static volume cannot be deleted for the user.
        await this.updateVolumePhaseWithEvent(volume, 'Failed', 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`);
        return;
      }
      default:
        await this.updateVolumePhaseWithEvent(volume, 'Failed', 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  // ---- binding

  /** Writes both sides of a bind, volume first; each write is skipped when already made. */
  private async bind(volume: Volume, claim: Claim): Promise<void> {
    volume = await this.bindVolumeToClaim(volume, claim);
    volume = await this.updateVolumePhase(volume, 'Bound', '');
    claim = await this.bindClaimToVolume(claim, volume);
    await this.updateClaimStatus(claim, 'Bound', volume);
  }

  private async bindVolumeToClaim(volume: Volume, claim: Claim): Promise<Volume> {
    const ref = volume.spec?.claimRef;
    const m = claim.metadata;
    let next = volume;
    let dirty = false;
    if (!ref || ref.name !== m.name || ref.namespace !== m.namespace || ref.uid !== m.uid) {
      const claimRef: ObjectReference = { kind: 'PersistentVolumeClaim', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: 'v1', resourceVersion: m.resourceVersion };
      next = { ...next, spec: { ...next.spec, claimRef } };
      dirty = true;
    }
    if (!isVolumeBoundToClaim(volume, claim) && !hasAnnotation(next, ANN_BOUND_BY_CONTROLLER)) {
      next = withAnnotations(next, { [ANN_BOUND_BY_CONTROLLER]: 'yes' });
      dirty = true;
    }
    if (!dirty) return volume;
    return this.volumes.remember(volume.metadata.name ?? '', await this.o.client.update<Volume>(this.o.volumes, next));
  }

  private async bindClaimToVolume(claim: Claim, volume: Volume): Promise<Claim> {
    let next = claim;
    let dirty = false;
    const name = volume.metadata.name ?? '';
    if (claim.spec?.volumeName !== name) {
      next = { ...next, spec: { ...next.spec, volumeName: name } };
      if (!hasAnnotation(next, ANN_BOUND_BY_CONTROLLER)) next = withAnnotations(next, { [ANN_BOUND_BY_CONTROLLER]: 'yes' });
      dirty = true;
    }
    if (!hasAnnotation(next, ANN_BIND_COMPLETED)) {
      next = withAnnotations(next, { [ANN_BIND_COMPLETED]: 'yes' });
      dirty = true;
    }
    return dirty ? this.writeClaim(next) : claim;
  }

  /** Undoes the controller's half of a bind whose claim went elsewhere; a user's pre-binding keeps its name. */
  private async unbindVolume(volume: Volume): Promise<void> {
    let next: Volume;
    if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
      const annotations = { ...volume.metadata.annotations };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      const spec = { ...volume.spec };
      delete spec.claimRef;
      next = { ...volume, metadata: { ...volume.metadata, annotations: Object.keys(annotations).length ? annotations : undefined }, spec };
    } else {
      const claimRef = { ...volume.spec?.claimRef };
      delete claimRef.uid;
      next = { ...volume, spec: { ...volume.spec, claimRef } };
    }
    const saved = this.volumes.remember(volume.metadata.name ?? '', await this.o.client.update<Volume>(this.o.volumes, next));
    await this.updateVolumePhase(saved, 'Available', '');
  }

  // ---- status writes

  private async updateVolumePhase(volume: Volume, phase: VolumePhase, message: string): Promise<Volume> {
    if (volume.status?.phase === phase) return volume;
    const status = { ...volume.status, phase, message: message || undefined };
    const saved = await this.o.client.updateStatus<Volume>(this.o.volumes, { ...volume, status });
    return this.volumes.remember(volume.metadata.name ?? '', saved);
  }

  private async updateVolumePhaseWithEvent(volume: Volume, phase: VolumePhase, reason: string, message: string): Promise<Volume> {
    if (volume.status?.phase === phase) return volume;
    const saved = await this.updateVolumePhase(volume, phase, message);
    this.event(saved, 'Warning', reason, message);
    return saved;
  }

  /** Sets the claim's phase, and its access modes and capacity from the volume (cleared without one). */
  private async updateClaimStatus(claim: Claim, phase: ClaimPhase, volume: Volume | undefined): Promise<Claim> {
    const status = { ...claim.status };
    let dirty = false;
    if (status.phase !== phase) {
      status.phase = phase;
      dirty = true;
    }
    if (!volume) {
      if (status.accessModes !== undefined) {
        delete status.accessModes;
        dirty = true;
      }
      if (status.capacity !== undefined) {
        delete status.capacity;
        dirty = true;
      }
    } else {
      const modes = volume.spec?.accessModes;
      if (JSON.stringify(status.accessModes) !== JSON.stringify(modes)) {
        status.accessModes = modes;
        dirty = true;
      }
      // Capacity is copied when the claim becomes Bound only: later a difference may be a resize in progress.
      if (claim.status?.phase !== phase) {
        const capacity = volume.spec?.capacity?.storage;
        if (capacity !== undefined && status.capacity?.storage !== capacity) {
          status.capacity = { ...volume.spec?.capacity };
          dirty = true;
        }
      }
    }
    if (!dirty) return claim;
    const saved = await this.o.client.updateStatus<Claim>(this.o.claims, { ...claim, status });
    return this.claims.remember(claimKey(claim), saved);
  }

  private async updateClaimStatusWithEvent(claim: Claim, phase: ClaimPhase, reason: string, message: string): Promise<void> {
    if (claim.status?.phase === phase) return;
    const saved = await this.updateClaimStatus(claim, phase, undefined);
    this.event(saved, 'Warning', reason, message);
  }

  private async writeClaim(claim: Claim): Promise<Claim> {
    const saved = await this.o.client.update<Claim>(this.o.claims, claim);
    return this.claims.remember(claimKey(claim), saved);
  }

  private event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    // Volumes are cluster-scoped and claims namespaced, which names the kind when a copy lacks it.
    const kind = obj.kind || (obj.metadata.namespace ? 'PersistentVolumeClaim' : 'PersistentVolume');
    this.o.recorder.event({ ...obj, apiVersion: obj.apiVersion || 'v1', kind }, type, reason, message);
  }
}
