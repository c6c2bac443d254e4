import { isPlainObject } from '../object.js';

/**
 * Loose readers for objects that arrive as JSON: validation must report bad shapes, not crash on them,
 * so every accessor tolerates a missing or wrongly typed value.
 */

export type JsonRecord = Record<string, unknown>;

/** The value as an object, or undefined when it is anything else. */
export function rec(v: unknown): JsonRecord | undefined {
  return isPlainObject(v) ? v : undefined;
}

/** The value as an array, or an empty array when it is anything else. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string, or '' when it is anything else (Go's zero value). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The value as a number, or undefined when it is not one. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The object at `parent[key]`, created empty when missing (for defaulting). */
export function ensureRecord(parent: JsonRecord, key: string): JsonRecord {
  const cur = parent[key];
  if (isPlainObject(cur)) return cur;
  const fresh: JsonRecord = {};
  parent[key] = fresh;
  return fresh;
}

/** Sets `obj[key]` when it is absent, null or the empty string (Go's "unset" for strings and pointers). */
export function setDefault(obj: JsonRecord, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value;
}
