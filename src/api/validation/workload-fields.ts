import { isPlainObject } from '../object.js';

/**
 * Small accessors for reading and defaulting JSON objects that have not been type-checked yet. Strategies
 * run on whatever a client sent, so every step tolerates a missing or mistyped field.
 */

export type JsonRecord = Record<string, unknown>;

/** `v` when it is a plain object, else undefined. */
export function asRecord(v: unknown): JsonRecord | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** The object at `parent[key]`, created when absent (defaulting fills nested structs this way). */
export function childRecord(parent: JsonRecord, key: string): JsonRecord {
  const cur = parent[key];
  if (isPlainObject(cur)) return cur;
  const created: JsonRecord = {};
  parent[key] = created;
  return created;
}

/** Sets `o[key]` when it is absent or null, as Go defaulters do for nil pointers. */
export function defaultField(o: JsonRecord, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Sets `o[key]` when it is absent, null or the empty string (Go defaulters test `== ""`). */
export function defaultString(o: JsonRecord, key: string, value: string): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** The object's `spec`, or an empty object when missing (never stored back). */
export function specOf(obj: JsonRecord): JsonRecord {
  return asRecord(obj.spec) ?? {};
}

export function statusOf(obj: JsonRecord): JsonRecord {
  return asRecord(obj.status) ?? {};
}

/** A string-valued map such as labels, or undefined when absent or malformed. */
export function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isPlainObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** A number field read as Go reads an absent int32: 0 when missing or not a number. */
export function intOf(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
