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

function encodeLevel(set: FieldSet, self: boolean): JsonObject {
  const out: JsonObject = {};
  const members = set.sortedMembers();
  const children = set.sortedChildren();
  if (self && (members.length > 0 || children.length > 0)) out['.'] = {};
  // Members and children are merged in one sorted sequence; an element in both nests with `.`.
  const memberIds = new Map(members.map((pe) => [serializePathElement(pe), pe]));
  const childIds = new Map(children.map((c) => [serializePathElement(c.pe), c]));
  const all: PathElement[] = [...members, ...children.filter((c) => !memberIds.has(serializePathElement(c.pe))).map((c) => c.pe)];
  all.sort(comparePathElements);
  for (const pe of all) {
    const id = serializePathElement(pe);
    const child = childIds.get(id);
    out[id] = child ? encodeLevel(child.set, memberIds.has(id)) : {};
  }
  return out;
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
  const members: PathElement[] = [];
  const children: Array<[PathElement, FieldSet]> = [];
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
    if (sub.member) {
      members.push(pe);
      any = true;
    }
    if (sub.children) {
      children.push([pe, sub.children]);
      any = true;
    }
  }
  // A node with nothing below it is a leaf, hence a member.
  if (!any) return { member: true };
  return { children: FieldSet.from(members, children), member };
}
