import { BoundedMemo } from '../../api/bounded-memo.js';
import type { JsonObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import { markCanonicalFieldsV1 } from './fields-v1.js';
import type { PathElement } from './path-element.js';
import { comparePathElements, plainString } from './path-element.js';
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
  const text = createdFieldsV1Text(obj, schema);
  if (text === undefined) return undefined;
  const out = JSON.parse(text) as JsonObject;
  markCanonicalFieldsV1(out);
  return out;
}

/**
 * createdFieldsV1 as JSON text, which is what a create needs: the stored object takes the text as it
 * is, and nothing builds (then serializes) the trie's hundred small objects.
 */
export function createdFieldsV1Text(obj: Record<string, unknown>, schema: SchemaNode | undefined): string | undefined {
  if (isAtomicObject(schema)) return undefined;
  const out: Text = { s: '' };
  if (!encodeMap(obj, schema, rootStrip, false, out)) return undefined;
  // Reading a character makes V8 copy the rope out into one string, once: the entry keeps the text, and a
  // kept rope of a few hundred parts cost more to collect than the copy.
  out.s.charCodeAt(0);
  return out.s;
}

/**
 * The text written so far. Appending to one string (a rope, copied out once) took 16.8 µs for the API
 * benchmark's pod against 20.1 µs for pushing pieces to an array and joining them; taking back what a
 * value that owns nothing wrote is putting back the earlier string.
 */
interface Text {
  s: string;
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
 * Writes the trie node of a value the writer owns (a member): `{}` for a leaf, `{".":{},...}` when
 * something below is owned too. `strip` drops the membership of the bookkeeping fields. False, with
 * nothing written, when the value is no member and nothing below it is owned.
 */
function encodeValue(value: unknown, schema: SchemaNode | undefined, strip: Strip | undefined, out: Text): boolean {
  const member = strip === undefined || !strip.self;
  if (Array.isArray(value)) {
    if (value.length > 0) {
      const shape = listShapeOf(schema);
      if (shape.kind === 'set' || shape.kind === 'keyed') {
        encodeList(value, shape, schema!.items(), member, out);
        return true;
      }
    }
  } else if (isPlainObject(value) && !isAtomicObject(schema)) {
    if (encodeMap(value, schema, strip, member, out)) return true;
  }
  if (member) out.s += '{}';
  return member;
}

/**
 * The pieces of a map entry: `"f:<name>":` before the node below, `"f:<name>":{}` for a leaf, and both
 * after a comma. The same few hundred names recur in every object, so each piece is built once.
 */
const fieldKeys = new BoundedMemo<string>((name) => `${JSON.stringify(`f:${name}`)}:`);
const nextFieldKeys = new BoundedMemo<string>((name) => `,${fieldKeys.get(name)}`);
const leafKeys = new BoundedMemo<string>((name) => `${fieldKeys.get(name)}{}`);
const nextLeafKeys = new BoundedMemo<string>((name) => `,${leafKeys.get(name)}`);

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

/** Writes the entries below a map, after `.` when `dot`; false, with nothing written, when nothing below is owned. */
function encodeMap(value: Record<string, unknown>, schema: SchemaNode | undefined, strip: Strip | undefined, dot: boolean, out: Text): boolean {
  const keys = Object.keys(value);
  sortSmall(keys, byCodeUnits);
  const start = out.s;
  const open = dot ? '{".":{},' : '{';
  let any = false;
  for (const k of keys) {
    const v = value[k];
    if (v === undefined) continue;
    const childStrip = strip?.children?.get(k);
    if (typeof v !== 'object' || v === null) {
      // A scalar is a leaf, owned unless stripped: one piece.
      if (childStrip !== undefined && childStrip.self) continue;
      out.s += any ? nextLeafKeys.get(k) : open + leafKeys.get(k);
      any = true;
      continue;
    }
    const mark = out.s;
    out.s += any ? nextFieldKeys.get(k) : open + fieldKeys.get(k);
    if (encodeValue(v, fieldSchema(schema, k), childStrip, out)) any = true;
    else out.s = mark;
  }
  if (!any) {
    out.s = start;
    return false;
  }
  out.s += '}';
  return true;
}

function encodeList(list: unknown[], shape: Shape, itemSchema: SchemaNode | undefined, dot: boolean, out: Text): void {
  if (shape.kind === 'keyed') {
    const keys = plainKeysOf(shape);
    const items = keys && plainKeyedItems(list, keys);
    if (items) {
      encodePlainKeyedItems(items, itemSchema, dot, out);
      return;
    }
  }
  const { byId } = indexList(list, shape, itemSchema, [], true);
  const items: Array<{ id: string; pe: PathElement; items: unknown[] }> = [];
  for (const [id, e] of byId) items.push({ id, pe: e.pe, items: e.items });
  sortSmall(items, (a, b) => comparePathElements(a.pe, b.pe) < 0);
  out.s += dot ? '{".":{}' : '{';
  let first = !dot;
  for (const it of items) {
    encodeListItem(JSON.stringify(it.id), it.items.length === 1 ? it.items[0] : duplicated, itemSchema, first, out);
    first = false;
  }
  out.s += '}';
}

/** Stands for a list item that appears more than once. */
const duplicated: unique symbol = Symbol('duplicated');

/** Writes one list item under its key (already JSON); an item that appears more than once is owned as a whole only. */
function encodeListItem(key: string, item: unknown, itemSchema: SchemaNode | undefined, first: boolean, out: Text): void {
  out.s += first ? `${key}:` : `,${key}:`;
  if (item === duplicated) out.s += '{}';
  else encodeValue(item, itemSchema, undefined, out);
}

/**
 * A list map's key fields, sorted by name, each with the piece that writes it inside an item's fieldsV1
 * key (`\"name\":`, JSON inside JSON); undefined when a name would need escaping.
 */
interface PlainKeys {
  names: string[];
  pieces: string[];
}

const plainKeys = new WeakMap<Shape, PlainKeys | null>();

function plainKeysOf(shape: Shape & { kind: 'keyed' }): PlainKeys | undefined {
  let keys = plainKeys.get(shape);
  if (keys === undefined) {
    const names = [...shape.keys].sort();
    keys = names.length > 0 && names.every((n) => plainString.test(n)) ? { names, pieces: names.map((n, i) => `${i === 0 ? '' : ','}\\"${n}\\":`) } : null;
    plainKeys.set(shape, keys);
  }
  return keys ?? undefined;
}

/** A list map item with its fieldsV1 key already written as JSON (`"k:{\"name\":\"web\"}"`). */
interface KeyedItem {
  key: string;
  values: Array<string | number>;
  item: Record<string, unknown>;
}

/**
 * The items of a list map keyed the quick way: when every item is a map whose key fields are all there
 * as plain strings or integers (containers by name, ports by number and protocol), the key is written
 * straight from the values. Undefined when any item needs the general path: a key field missing (its
 * schema default may stand in), null, escaped or of another type, or an item that is no map.
 */
function plainKeyedItems(list: unknown[], keys: PlainKeys): KeyedItem[] | undefined {
  const items: KeyedItem[] = [];
  for (const item of list) {
    if (!isPlainObject(item)) return undefined;
    let key = '"k:{';
    const values: Array<string | number> = [];
    for (let i = 0; i < keys.names.length; i++) {
      const v = item[keys.names[i]];
      if (typeof v === 'string' && plainString.test(v)) key += `${keys.pieces[i]}\\"${v}\\"`;
      else if (typeof v === 'number' && Number.isSafeInteger(v)) key += `${keys.pieces[i]}${v}`;
      else return undefined;
      values.push(v);
    }
    items.push({ key: `${key}}"`, values, item });
  }
  return items;
}

/** Upstream's order of list map items: key by key, numbers before strings, then by value. */
function keyedItemBefore(a: KeyedItem, b: KeyedItem): boolean {
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i];
    const y = b.values[i];
    if (x === y) continue;
    const xNumber = typeof x === 'number';
    if (xNumber !== (typeof y === 'number')) return xNumber;
    return x < y;
  }
  return false;
}

function encodePlainKeyedItems(items: KeyedItem[], itemSchema: SchemaNode | undefined, dot: boolean, out: Text): void {
  sortSmall(items, keyedItemBefore);
  out.s += dot ? '{".":{}' : '{';
  let first = !dot;
  for (let i = 0; i < items.length; ) {
    // Equal keys sort together.
    let end = i + 1;
    while (end < items.length && items[end].key === items[i].key) end++;
    encodeListItem(items[i].key, end - i === 1 ? items[i].item : duplicated, itemSchema, first, out);
    first = false;
    i = end;
  }
  out.s += '}';
}
