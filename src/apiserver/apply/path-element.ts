import type { JsonValue } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';

/**
 * One step of a field path, as structured-merge-diff names them: a struct or map field, a list-map
 * item by its key fields, a set item by its value, or (only where nothing else works) a list index.
 */
export type PathElement =
  | { kind: 'field'; name: string }
  | { kind: 'key'; fields: Array<[string, JsonValue]> }
  | { kind: 'value'; value: JsonValue }
  | { kind: 'index'; index: number };

export type FieldPath = readonly PathElement[];

/** Sorts key fields by name so equal keys serialize identically. */
export function keyElement(fields: Array<[string, JsonValue]>): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareStrings(a[0], b[0])) };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeRank(v: JsonValue): number {
  // Upstream orders values of different types: numbers, strings, booleans, lists, maps, null.
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

/** A total order over JSON values, matching the one field sets are sorted by. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ak = Object.keys(a).sort(compareStrings);
    const bk = Object.keys(b).sort(compareStrings);
    for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
      const c = compareStrings(ak[i], bk[i]) || compareValues(a[ak[i]] as JsonValue, b[bk[i]] as JsonValue);
      if (c !== 0) return c;
    }
    return ak.length - bk.length;
  }
  return 0;
}

const rank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** Field names sort first, then keys, values and indexes; within a kind by content. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return rank[a.kind] - rank[b.kind];
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const bf = (b as typeof a).fields;
      for (let i = 0; i < Math.min(a.fields.length, bf.length); i++) {
        const c = compareStrings(a.fields[i][0], bf[i][0]) || compareValues(a.fields[i][1], bf[i][1]);
        if (c !== 0) return c;
      }
      return a.fields.length - bf.length;
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index;
  }
}

/** JSON as Go's encoding/json writes it: sorted map keys and HTML-safe escapes. */
export function goJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort(compareStrings);
    return `{${keys.map((k) => `${goString(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') return goString(v);
  return JSON.stringify(v);
}

/** Text that needs no escaping, in JSON or in Go's HTML-safe JSON. */
export const plainString = /^[A-Za-z0-9 ._\/:@=+,;-]*$/;

function goString(s: string): string {
  // Most keys and values need no escaping at all; skip the general path for them.
  if (plainString.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The fieldsV1 key of an element: `f:name`, `k:{"name":"web"}`, `v:"x"`, `i:0`. */
export function serializePathElement(pe: PathElement): string {
  // Built each time: list indexing makes fresh elements on every write, and remembering each
  // one (a WeakMap entry) costs more than writing a short key; set values are always scalars.
  return serializeUncached(pe);
}

function serializeUncached(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map(([k, v]) => `${goString(k)}:${goJson(v)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** Thrown for a fieldsV1 key that cannot be read; unknown prefixes are skipped instead, as upstream does. */
export class PathElementSyntaxError extends Error {}

/** Parses a fieldsV1 key; undefined for a well-formed key of a kind this version does not know. */
export function deserializePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new PathElementSyntaxError(`key must be 2 characters long: ${s}`);
  if (s[1] !== ':') throw new PathElementSyntaxError(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { kind: 'field', name: rest };
    case 'v':
      return { kind: 'value', value: parseJson(rest) };
    case 'k': {
      const obj = parseJson(rest);
      if (!isPlainObject(obj)) throw new PathElementSyntaxError(`key element is not an object: ${s}`);
      return keyElement(Object.entries(obj as Record<string, JsonValue>));
    }
    case 'i':
      if (!/^[+-]?\d+$/.test(rest)) throw new PathElementSyntaxError(`invalid index: ${s}`);
      return { kind: 'index', index: Number(rest) };
    default:
      return undefined;
  }
}

function parseJson(s: string): JsonValue {
  try {
    return JSON.parse(s) as JsonValue;
  } catch (e) {
    throw new PathElementSyntaxError((e as Error).message);
  }
}

/** Go's %v of a value, as paths print them: strings quoted, numbers and booleans bare. */
function valueString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join('');
}

/** The human form used in conflict messages: `.spec.containers[name="web"].image`. */
export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export function pathString(path: FieldPath): string {
  return path.map(pathElementString).join('');
}
