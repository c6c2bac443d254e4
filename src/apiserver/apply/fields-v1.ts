import type { JsonObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import { comparePathElements, deserializePathElement, serializePathElement } from './path-element.js';

/**
 * The `FieldsV1` encoding of a field set: a JSON trie whose keys are serialized path elements and
 * whose `.` key marks an element that is a member as well as a parent. Keys come out in the order
 * kube-apiserver writes them, so stored objects compare equal byte for byte.
 */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  return encodeLevel(set, false);
}

/** Orders entries of one level as upstream does; field names (the common case) compare as their ids do. */
function compareEntries(a: { id: string; pe: PathElement }, b: { id: string; pe: PathElement }): number {
  if (a.pe.kind === 'field' && b.pe.kind === 'field') return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return comparePathElements(a.pe, b.pe);
}

function encodeLevel(set: FieldSet, self: boolean): JsonObject {
  const out: JsonObject = {};
  const { members, children } = set.entries();
  if (self && (members.size > 0 || children.size > 0)) out['.'] = {};
  // Members and children are merged in one sorted sequence; an element in both nests with `.`.
  const all: Array<{ id: string; pe: PathElement }> = [];
  for (const [id, pe] of members) all.push({ id, pe });
  for (const [id, c] of children) if (!members.has(id)) all.push({ id, pe: c.pe });
  all.sort(compareEntries);
  for (const { id } of all) {
    const child = children.get(id);
    out[id] = child ? encodeLevel(child.set, members.has(id)) : {};
  }
  return out;
}

/*
 * Memoized forms for managedFields entries. Sets are immutable once built and stored objects are
 * never changed in place (the watch cache hands out the very object a write produced), so a set
 * decoded from, or encoded to, a fieldsV1 object is remembered in both directions: an entry that a
 * write leaves alone is neither decoded nor encoded again on the next write.
 */
const decodedSets = new WeakMap<object, FieldSet>();
const encodedSets = new WeakMap<FieldSet, JsonObject>();
// fieldsV1 objects this module wrote, hence in canonical form: re-encoding their set gives them back.
const canonical = new WeakSet<object>();

/** encodeFieldsV1, sharing the result for a set seen before; the caller must not change it. */
export function encodeFieldsV1Shared(set: FieldSet): JsonObject {
  let raw = encodedSets.get(set);
  if (raw === undefined) {
    raw = encodeFieldsV1(set);
    encodedSets.set(set, raw);
    decodedSets.set(raw, set);
    canonical.add(raw);
  }
  return raw;
}

/** Records that `raw` is exactly what encodeFieldsV1 writes for its set (a direct encoder made it). */
export function markCanonicalFieldsV1(raw: JsonObject): void {
  canonical.add(raw);
}

/** decodeFieldsV1, remembering the set for this very object; the caller must not change the set. */
export function decodeFieldsV1Shared(raw: unknown): FieldSet {
  if (typeof raw === 'object' && raw !== null) {
    const known = decodedSets.get(raw);
    if (known) return known;
  }
  // A client's fieldsV1 may be in any order or carry unknown keys, so it is read (and checked) whole;
  // only a canonical one stands for its set's encoding, and can be read lazily.
  if (isPlainObject(raw) && (canonical.has(raw) || isCanonical(raw, false))) {
    canonical.add(raw);
    const set = FieldSet.lazy(raw as Record<string, unknown>);
    decodedSets.set(raw, set);
    encodedSets.set(set, raw as JsonObject);
    return set;
  }
  const set = decodeFieldsV1(raw);
  decodedSets.set(raw as object, set);
  return set;
}

/**
 * Whether `node` is exactly what encodeFieldsV1 writes for the set it decodes to (stored entries
 * nearly always are, whoever wrote them): `.` first and only beside other keys, every key the
 * serialized form of a known element, in encoding order, every value an object of the same kind.
 * `member` is true below an element (where `.` may appear), false at the top.
 */
function isCanonical(node: Record<string, unknown>, member: boolean): boolean {
  let prev: { id: string; pe: PathElement } | undefined;
  let dot = false;
  let first = true;
  for (const key in node) {
    const value = node[key];
    if (!isPlainObject(value)) return false;
    if (key === '.') {
      if (!member || !first) return false;
      for (const _ in value) return false;
      dot = true;
      first = false;
      continue;
    }
    first = false;
    let pe: PathElement | undefined;
    if (key.startsWith('f:')) pe = { kind: 'field', name: key.slice(2) };
    else {
      try {
        pe = deserializePathElement(key);
      } catch {
        return false;
      }
      if (pe === undefined || serializePathElement(pe) !== key) return false;
    }
    const entry = { id: key, pe };
    if (prev && compareEntries(prev, entry) >= 0) return false;
    prev = entry;
    if (!isCanonical(value, true)) return false;
  }
  // `{".": {}}` alone reads as a leaf, which is written `{}`.
  return !(dot && prev === undefined);
}

/** The set already known for a fieldsV1 object, if any. */
export function knownFieldsV1(raw: unknown): FieldSet | undefined {
  return typeof raw === 'object' && raw !== null ? decodedSets.get(raw) : undefined;
}

/** Thrown when a fieldsV1 value cannot be read. */
export class FieldsV1Error extends Error {}

/** Reads a `FieldsV1` trie; throws FieldsV1Error on anything that is not one. */
export function decodeFieldsV1(raw: unknown): FieldSet {
  if (!isPlainObject(raw)) throw new FieldsV1Error('fieldsV1 must be a JSON object');
  return decodeLevel(raw).children ?? new FieldSet();
}

function decodeLevel(node: Record<string, unknown>): { children?: FieldSet; member: boolean } {
  let member = false;
  const members: Array<[string, PathElement]> = [];
  const children: Array<[string, PathElement, FieldSet]> = [];
  let any = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === '.') {
      member = true;
      continue;
    }
    let pe: PathElement | undefined;
    try {
      pe = deserializePathElement(key);
    } catch (e) {
      throw new FieldsV1Error(`parsing key as path element: ${(e as Error).message}`);
    }
    if (!isPlainObject(value)) throw new FieldsV1Error(`value of ${JSON.stringify(key)} must be a JSON object`);
    if (!pe) continue;
    const sub = decodeLevel(value);
    // A field's key is its serialized form already; others are serialized again, as they may be written differently.
    const id = pe.kind === 'field' ? key : serializePathElement(pe);
    if (sub.member) {
      members.push([id, pe]);
      any = true;
    }
    if (sub.children) {
      children.push([id, pe, sub.children]);
      any = true;
    }
  }
  // A node with nothing below it is a leaf, hence a member.
  if (!any) return { member: true };
  return { children: FieldSet.fromSerialized(members, children), member };
}
