import type { ObjectMeta as ReadonlyObjectMeta, OwnerReference, ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Object metadata as the server writes it (kubernetes-types declares it read-only). */
export type ObjectMeta = Mutable<Omit<ReadonlyObjectMeta, 'labels' | 'annotations' | 'finalizers' | 'ownerReferences' | 'managedFields'>> & {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Mutable<OwnerReference>[];
  managedFields?: Mutable<ManagedFieldsEntry>[];
};

/** Any Kubernetes object as stored and served: typed metadata, the rest as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a dotted path (`spec.nodeName`) from an object; undefined where any step is missing. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

export function deepClone<T>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak) if (!(k in bo) || !deepEqual((a as Record<string, unknown>)[k], bo[k])) return false;
  return true;
}
