import type { PersistentVolumeClaimSpec, PersistentVolumeClaimStatus, PersistentVolumeSpec, PersistentVolumeStatus } from 'kubernetes-types/core/v1.js';
import { labelSelectorFromObject, type KubeObject } from '../../../api/index.js';
import { compareQuantities, parseQuantity, type Quantity } from '../../../api/validation/quantity.js';
import { ANN_BETA_STORAGE_CLASS } from './annotations.js';

/** A PersistentVolume as the informers hold it. */
export type Volume = KubeObject & { spec?: PersistentVolumeSpec; status?: PersistentVolumeStatus };
/** A PersistentVolumeClaim as the informers hold it. */
export type Claim = KubeObject & { spec?: PersistentVolumeClaimSpec; status?: PersistentVolumeClaimStatus };

/** The claim's class: the beta annotation wins over `spec.storageClassName`; "" when neither is set. */
export function claimClass(claim: Claim): string {
  const ann = claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return claim.spec?.storageClassName ?? '';
}

/** Whether the claim names a class at all (`""` counts: it asks for no class). */
export function claimHasClass(claim: Claim): boolean {
  if (claim.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined) return true;
  return claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null;
}

/** The volume's class, with the same precedence as `claimClass`. */
export function volumeClass(volume: Volume): string {
  const ann = volume.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return volume.spec?.storageClassName ?? '';
}

/** `namespace/name` of a claim. */
export function claimKey(claim: Pick<Claim, 'metadata'>): string {
  return `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;
}

/** `namespace/name` of the claim a volume points at, or undefined without a claimRef. */
export function claimRefKey(volume: Volume): string | undefined {
  const ref = volume.spec?.claimRef;
  return ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : undefined;
}

/** The claim's storage request; zero when it has none (validation requires one). */
export function requestedStorage(claim: Claim): Quantity {
  const raw = claim.spec?.resources?.requests?.storage;
  return (raw !== undefined && parseQuantity(raw)) || { nanos: 0n, format: 'BinarySI' };
}

// Informer copies are replaced, never changed, so a volume's parsed capacity can be kept with it:
// the binder compares every claim against every volume, and parsing dominated that scan.
const capacities = new WeakMap<Volume, Quantity>();

/** The volume's storage capacity; zero when it has none. */
export function volumeCapacity(volume: Volume): Quantity {
  let capacity = capacities.get(volume);
  if (capacity === undefined) {
    const raw = volume.spec?.capacity?.storage;
    capacity = (raw !== undefined && parseQuantity(raw)) || { nanos: 0n, format: 'BinarySI' };
    capacities.set(volume, capacity);
  }
  return capacity;
}

/** True when claim and volume ask for different volume modes (absent means Filesystem on both sides). */
export function volumeModeMismatch(claim: Claim, volume: Volume): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (volume.spec?.volumeMode ?? 'Filesystem');
}

/** True when the volume offers every access mode the claim asks for. */
export function accessModesSatisfied(claim: Claim, volume: Volume): boolean {
  const offered = new Set(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/**
 * True when the volume's claimRef names this claim (namespace and name), and its UID when the ref
 * carries one: a volume pre-bound by name, or bound to this very claim.
 */
export function isVolumeBoundToClaim(volume: Volume, claim: Claim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/**
 * Why a volume the claim asked for by name (`spec.volumeName`) cannot serve it, in Kubernetes' words,
 * or undefined when it can.
 */
export function volumeUnsatisfiedReason(volume: Volume, claim: Claim): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name ?? ''}"`;
  if (compareQuantities(volumeCapacity(volume), requestedStorage(claim)) < 0) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

/**
 * The volume the binder should bind an unbound claim to, or undefined.
 *
 * A volume pre-bound to the claim (its claimRef names the claim) wins if it is large enough. Otherwise,
 * unless the claim's class delays binding (`delayBinding`: the scheduler then picks among unbound volumes
 * with the pod's node in mind), the candidates are Available volumes without a claimRef, of the claim's
 * class and volume mode, matching its selector, offering its access modes and at least its request.
 * Among them the one with the fewest access modes wins, then the smallest, then the first by name, so a
 * claim does not take a bigger or more capable volume than it needs.
 *
 * @example
 * const pv = findBestMatch(claim, volumeInformer.store.list(), false);
 */
export function findBestMatch(claim: Claim, volumes: readonly Volume[], delayBinding: boolean): Volume | undefined {
  const requested = requestedStorage(claim);
  const cls = claimClass(claim);
  const selectorObj = claim.spec?.selector;
  const selector = selectorObj ? labelSelectorFromObject(selectorObj) : undefined;
  let best: Volume | undefined;
  let bestModes = 0;
  let bestSize: Quantity | undefined;
  for (const volume of volumes) {
    if (volumeModeMismatch(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(volume, claim)) {
      if (compareQuantities(volumeCapacity(volume), requested) < 0) continue;
      return volume;
    }
    if (delayBinding) continue;
    if (volume.status?.phase !== 'Available' || volume.spec?.claimRef) continue;
    if (selector && !selector.matches(volume.metadata.labels ?? {})) continue;
    if (volumeClass(volume) !== cls) continue;
    if (!accessModesSatisfied(claim, volume)) continue;
    const size = volumeCapacity(volume);
    if (compareQuantities(size, requested) < 0) continue;
    const modes = new Set(volume.spec?.accessModes ?? []).size;
    if (
      !best ||
      modes < bestModes ||
      (modes === bestModes && compareQuantities(size, bestSize!) < 0) ||
      (modes === bestModes && compareQuantities(size, bestSize!) === 0 && (volume.metadata.name ?? '') < (best.metadata.name ?? ''))
    ) {
      best = volume;
      bestModes = modes;
      bestSize = size;
    }
  }
  return best;
}
