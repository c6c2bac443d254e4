import type { AdmissionAttributes } from './types.js';

/** Finalizers the PVC and PV protection controllers remove once the object is no longer in use. */
const finalizers: Record<string, string> = {
  persistentvolumeclaims: 'kubernetes.io/pvc-protection',
  persistentvolumes: 'kubernetes.io/pv-protection',
};

/**
 * StorageObjectInUseProtection, as kube-apiserver's admission plugin: every new claim and volume carries
 * its protection finalizer from the start, so one deleted at once (before a controller has seen it) is
 * still held until it is unused.
 */
export function admitStorageObjectInUseProtection(a: AdmissionAttributes): void {
  if (a.operation !== 'CREATE' || a.subresource || a.def.group !== '') return;
  const finalizer = finalizers[a.def.plural];
  if (!finalizer) return;
  const current = a.obj.metadata.finalizers ?? [];
  if (!current.includes(finalizer)) a.obj.metadata.finalizers = [...current, finalizer];
}
