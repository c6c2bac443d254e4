import type { KubeObject } from '../../../api/index.js';

/** Keeps a claim while a pod uses it. */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
/** Keeps a volume while it is bound to a claim. */
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

/** Not being deleted and without the finalizer: it should get it. */
export function needsFinalizer(obj: KubeObject, finalizer: string): boolean {
  return !obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).includes(finalizer);
}

/** Being deleted and still held by the finalizer: a candidate for letting go. */
export function isDeletionCandidate(obj: KubeObject, finalizer: string): boolean {
  return Boolean(obj.metadata.deletionTimestamp) && (obj.metadata.finalizers ?? []).includes(finalizer);
}

/** A copy with the finalizer appended. */
export function withFinalizer<T extends KubeObject>(obj: T, finalizer: string): T {
  return { ...obj, metadata: { ...obj.metadata, finalizers: [...(obj.metadata.finalizers ?? []), finalizer] } };
}

/** A copy without the finalizer. */
export function withoutFinalizer<T extends KubeObject>(obj: T, finalizer: string): T {
  return { ...obj, metadata: { ...obj.metadata, finalizers: (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer) } };
}
