import { arr, rec, str } from '../../validation/json-access.js';
import { formatQuantity, parseQuantity } from '../../validation/quantity.js';

/** Cell formats the core tables share. */

/** A label map as `k=v,k2=v2` in key order, or `<none>` when empty (Kubernetes' FormatLabels). */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(rec(labels) ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v]) => `${k}=${str(v)}`).join(',');
}

const accessModeOrder: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** Access modes in their short forms (`RWO,ROX`), in Kubernetes' fixed order. */
export function accessModesString(modes: unknown): string {
  const present = new Set(arr(modes).map(str));
  return accessModeOrder.filter(([m]) => present.has(m)).map(([, s]) => s).join(',');
}

/** The `storage` quantity of a resource list (PV capacity, PVC status capacity) in canonical form, `0` when absent. */
export function storageString(resources: unknown): string {
  const raw = rec(resources)?.storage;
  const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantity(raw) : undefined;
  return q ? formatQuantity(q) : '0';
}

/** The storage class of a PV or PVC: the legacy beta annotation wins over the field. */
export function storageClassOf(obj: { metadata: { annotations?: Record<string, string> }; spec?: unknown }): string {
  const annotated = obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (annotated !== undefined) return annotated;
  return str(rec(obj.spec)?.storageClassName);
}
