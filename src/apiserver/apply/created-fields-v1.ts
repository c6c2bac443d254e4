import { BoundedMemo } from '../../api/bounded-memo.js';
import type { JsonObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import { markCanonicalFieldsV1 } from './fields-v1.js';
import type { PathElement } from './path-element.js';
import { comparePathElements } from './path-element.js';
import type { Shape } from './typed.js';
import { indexList, listShape } from './typed.js';

/**
 * The fieldsV1 a create records for its writer, written straight from the object: what
 * `encodeFieldsV1(compareObjects({}, obj).added.difference(strippedFields))` gives, without building
 * the field set and encoding it again. Every path the object sets is owned, so each element with
 * something below it carries `.`; scalars, atomic and empty values are leaves; a list item that
 * appears more than once in a set or list map is a bare leaf; the server's bookkeeping fields
 * (apiVersion, kind, metadata.name, ...) are left out as members, exactly as strippedFields does.
 * Returns undefined when the writer would own nothing. Throws TypedErrors, as the comparison would,
 * for list items that cannot be keyed.
 */
export function createdFieldsV1(obj: Record<string, unknown>, schema: SchemaNode | undefined): JsonObject | undefined {
  if (isAtomicObject(schema)) return undefined;
  const out = encodeMap(obj, schema, rootStrip, false);
  if (out === undefined) return undefined;
  markCanonicalFieldsV1(out);
  return out;
}

/** Which elements lose their membership (but keep what is below them), per level. */
interface Strip {
  self: boolean;
  children?: Map<string, Strip>;
}

const leafStrip: Strip = { self: true };
const rootStrip: Strip = {
  self: false,
  children: new Map<string, Strip>([
    ['apiVersion', leafStrip],
    ['kind', leafStrip],
    [
      'metadata',
      {
        self: true,
        children: new Map(
          ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((n) => [n, leafStrip]),
        ),
      },
    ],
  ]),
};

function isAtomicObject(schema: SchemaNode | undefined): boolean {
  return schema?.opaque === true || schema?.mapType === 'atomic';
}

const listShapes = new WeakMap<SchemaNode, Shape>();
const atomicList: Shape = { kind: 'atomic' };

function listShapeOf(schema: SchemaNode | undefined): Shape {
  if (!schema) return atomicList;
  let shape = listShapes.get(schema);
  if (!shape) {
    shape = listShape(schema);
    listShapes.set(schema, shape);
  }
  return shape;
}

function fieldSchema(schema: SchemaNode | undefined, name: string): SchemaNode | undefined {
  return schema ? (schema.field(name) ?? schema.values()) : undefined;
}

/**
 * The trie node of a value the writer owns (a member): `{}` for a leaf, `{".": {}, ...}` when
 * something below is owned too. `strip` drops the membership of the bookkeeping fields.
 */
function encodeValue(value: unknown, schema: SchemaNode | undefined, strip: Strip | undefined): JsonObject | undefined {
  const member = strip === undefined || !strip.self;
  let out: JsonObject | undefined;
  if (Array.isArray(value)) {
    if (value.length > 0) {
      const shape = listShapeOf(schema);
      if (shape.kind === 'set' || shape.kind === 'keyed') out = encodeList(value, shape, schema!.items(), member);
    }
  } else if (isPlainObject(value) && !isAtomicObject(schema)) {
    out = encodeMap(value, schema, strip, member);
  }
  if (out === undefined) return member ? {} : undefined;
  return out;
}

/** `f:<name>` for a field name: the same few hundred names recur in every object, so each is built once. */
const fieldKeys = new BoundedMemo<string>((name) => `f:${name}`);

/**
 * Sorts in place. Most objects have a handful of keys and most lists a handful of items; for those the
 * built-in sort's working copy was a tenth of everything a create allocated, so they are sorted by
 * insertion. Longer arrays, where insertion would be quadratic, use the built-in sort.
 */
function sortSmall<T>(a: T[], before: (x: T, y: T) => boolean): void {
  if (a.length > 32) {
    a.sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && before(x, a[j])) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

const byCodeUnits = (x: string, y: string): boolean => x < y;

/** The entries below a map, after `.` when `dot`; undefined when nothing below is owned. */
function encodeMap(value: Record<string, unknown>, schema: SchemaNode | undefined, strip: Strip | undefined, dot: boolean): JsonObject | undefined {
  const keys = Object.keys(value);
  sortSmall(keys, byCodeUnits);
  let out: JsonObject | undefined;
  for (const k of keys) {
    const v = value[k];
    if (v === undefined) continue;
    const node = encodeValue(v, fieldSchema(schema, k), strip?.children?.get(k));
    if (node === undefined) continue;
    out ??= dot ? { '.': {} } : {};
    out[fieldKeys.get(k)] = node;
  }
  return out;
}

function encodeList(list: unknown[], shape: Shape, itemSchema: SchemaNode | undefined, dot: boolean): JsonObject {
  const { byId } = indexList(list, shape, itemSchema, [], true);
  const items: Array<{ id: string; pe: PathElement; items: unknown[] }> = [];
  for (const [id, e] of byId) items.push({ id, pe: e.pe, items: e.items });
  sortSmall(items, (a, b) => comparePathElements(a.pe, b.pe) < 0);
  const out: JsonObject = dot ? { '.': {} } : {};
  // An item that appears more than once is owned as a whole only.
  for (const it of items) out[it.id] = it.items.length === 1 ? encodeValue(it.items[0], itemSchema, undefined)! : {};
  return out;
}
