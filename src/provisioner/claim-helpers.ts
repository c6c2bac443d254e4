import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../api/index.js';
import { parseValue } from '../api/validation/quantity.js';
import { rfc3339 as formatRfc3339 } from '../api/rfc3339.js';

/** The typed views of the untyped objects informers hold. */
export const asClaim = (o: KubeObject | undefined): PersistentVolumeClaim | undefined => o as unknown as PersistentVolumeClaim | undefined;
export const asVolume = (o: KubeObject | undefined): PersistentVolume | undefined => o as unknown as PersistentVolume | undefined;
export const asClass = (o: KubeObject | undefined): StorageClass | undefined => o as unknown as StorageClass | undefined;
export const asObject = (o: PersistentVolumeClaim | PersistentVolume | StorageClass): KubeObject => o as unknown as KubeObject;

/** The claim's storage request as written, or undefined. */
export function requestedStorage(claim: PersistentVolumeClaim): string | undefined {
  const q = claim.spec?.resources?.requests?.storage;
  return q === undefined ? undefined : String(q);
}

/** A quantity in bytes (0 when absent or unreadable). */
export function bytesOf(q: string | number | undefined): number {
  return q === undefined ? 0 : (parseValue(q) ?? 0);
}

/** metav1.Time: RFC 3339 to the second, of `d` (now by default). */
export function rfc3339(d: Date = new Date()): string {
  return formatRfc3339(d.getTime());
}

/** The class's parameters as strings (the API keeps them so; this guards against anything else). */
export function parametersOf(cls: StorageClass | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cls?.parameters ?? {})) out[k] = String(v);
  return out;
}
