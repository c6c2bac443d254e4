import { deepEqual, isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import { childSchema, indexList, listShape } from './typed.js';
import type { Shape } from './typed.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export interface CompareOptions {
  /**
   * Skip subtrees that are equal on both sides (the default). They add nothing to the comparison;
   * only a list in them that cannot be keyed would matter, and such subtrees are still walked.
   * False walks everything, as a reference for tests.
   */
  skipEqual?: boolean;
}

/**
 * The fields that differ between two versions of an object, as upstream's Compare reports them: a
 * value present on one side only is added or removed together with everything below it; a leaf
 * (scalar, atomic or opaque value) whose content changed is modified.
 */
export function compareObjects(lhs: unknown, rhs: unknown, schema: SchemaNode | undefined, opts: CompareOptions = {}): Comparison {
  const c: Walker = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet(), skipEqual: opts.skipEqual !== false };
  walk(lhs, rhs, schema, undefined, c, true);
  return { added: c.added, modified: c.modified, removed: c.removed };
}

interface Walker extends Comparison {
  skipEqual: boolean;
}

/** A path as a chain from the leaf up; turned into an array only when a field is recorded. */
interface Path {
  parent: Path | undefined;
  pe: PathElement;
}

function insert(set: FieldSet, path: Path | undefined): void {
  if (!path) return;
  const out: PathElement[] = [];
  for (let p: Path | undefined = path; p; p = p.parent) out.push(p.pe);
  set.insert(out.reverse());
}

const scalarShape: Shape = { kind: 'scalar' };
const atomicShape: Shape = { kind: 'atomic' };
const mapShape: Shape = { kind: 'map' };
const listShapes = new WeakMap<SchemaNode, Shape>();

/** shapeOf from typed.ts, with list shapes remembered per schema node. */
function shapeOf(value: unknown, schema: SchemaNode | undefined): Shape {
  if (Array.isArray(value)) {
    if (!schema) return atomicShape;
    let s = listShapes.get(schema);
    if (!s) {
      s = listShape(schema);
      listShapes.set(schema, s);
    }
    return s;
  }
  if (isPlainObject(value)) return schema?.opaque || schema?.mapType === 'atomic' ? atomicShape : mapShape;
  return scalarShape;
}

function fieldSchema(schema: SchemaNode | undefined, name: string): SchemaNode | undefined {
  return schema ? (schema.field(name) ?? schema.values()) : undefined;
}

function isEmptyContainer(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v !== 'object') return false;
  for (const _ in v) return false;
  return true;
}

/** True when `l` and `r` (both present) are equal and walking them could not throw. */
function equalAndClean(l: unknown, r: unknown, schema: SchemaNode | undefined): boolean {
  if (l === r) return typeof l !== 'object' || l === null || keysCleanly(l, schema);
  if (typeof l !== 'object' || l === null || typeof r !== 'object' || r === null) return false;
  return sameJson(l, r) && keysCleanly(l, schema);
}

/** deepEqual for parsed JSON, without allocating key arrays (most subtrees compared here are equal). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    if (!Object.prototype.hasOwnProperty.call(bo, k) || !sameJson(ao[k], bo[k])) return false;
    n++;
  }
  for (const _ in bo) n--;
  return n === 0;
}

/**
 * Whether every set and list map in `value` can be keyed, that is, indexing them as the walk does
 * throws nothing. It may say false where the walk would not throw (it looks into duplicate items too);
 * that only costs the shortcut.
 */
function keysCleanly(value: unknown, schema: SchemaNode | undefined): boolean {
  const shape = shapeOf(value, schema);
  if (shape.kind === 'scalar' || shape.kind === 'atomic' || isEmptyContainer(value)) return true;
  if (shape.kind === 'map') {
    const m = value as Record<string, unknown>;
    for (const k in m) {
      const v = m[k];
      if (v !== undefined && typeof v === 'object' && v !== null && !keysCleanly(v, fieldSchema(schema, k))) return false;
    }
    return true;
  }
  const itemSchema = schema?.items();
  for (const item of value as unknown[]) {
    if (shape.kind === 'keyed') {
      if (!isPlainObject(item)) return false;
      if (shape.keys.length > 0 && !shape.keys.some((k) => item[k] !== undefined || (itemSchema?.field(k) as { default?: unknown } | undefined)?.default !== undefined)) return false;
      if (!keysCleanly(item, itemSchema)) return false;
    } else if (item === null || typeof item === 'object') return false;
  }
  return true;
}

function walk(lhs: unknown, rhs: unknown, schema: SchemaNode | undefined, path: Path | undefined, c: Walker, root = false): void {
  const l = lhs === undefined ? undefined : shapeOf(lhs, schema);
  const r = rhs === undefined ? undefined : shapeOf(rhs, schema);
  if (l && r && (l.kind !== r.kind || Array.isArray(lhs) !== Array.isArray(rhs))) {
    // The value changed type: the old content is gone, the new one arrives, the field is modified.
    oneSide(c.removed, lhs, l, schema, path);
    oneSide(c.added, rhs, r, schema, path);
    if (!root) insert(c.modified, path);
    return;
  }
  if (l && r) {
    walkSide(lhs, rhs, l, schema, path, c);
    return;
  }
  // Present on one side only: the value and everything below it is added or removed.
  const set = l ? c.removed : c.added;
  oneSide(set, l ? lhs : rhs, (l ?? r)!, schema, path);
  if (!root) insert(set, path);
}

/** What comparing `value` against nothing records in `set`: the leaf itself, or everything below it. */
function oneSide(set: FieldSet, value: unknown, shape: Shape, schema: SchemaNode | undefined, path: Path | undefined): void {
  if (shape.kind === 'scalar' || shape.kind === 'atomic' || isEmptyContainer(value)) {
    insert(set, path);
    return;
  }
  const sub = below(value, shape, schema, path);
  if (sub) set.insertSubtree(toArray(path), sub);
}

/**
 * Every path below a value present on one side only, each a member, built level by level rather
 * than path by path; undefined when there is none. Lists are indexed as the two-sided walk does, so
 * the same items fail the same way.
 */
function below(value: unknown, shape: Shape, schema: SchemaNode | undefined, path: Path | undefined): FieldSet | undefined {
  const members: Array<[string, PathElement]> = [];
  const children: Array<[string, PathElement, FieldSet]> = [];
  const add = (id: string, pe: PathElement, v: unknown, s: SchemaNode | undefined, alone: boolean): void => {
    members.push([id, pe]);
    if (!alone) return;
    const vs = shapeOf(v, s);
    if (vs.kind === 'scalar' || vs.kind === 'atomic' || isEmptyContainer(v)) return;
    const sub = below(v, vs, s, { parent: path, pe });
    if (sub) children.push([id, pe, sub]);
  };
  if (shape.kind === 'map') {
    const m = value as Record<string, unknown>;
    for (const k in m) {
      const v = m[k];
      if (v !== undefined) add(`f:${k}`, { kind: 'field', name: k }, v, fieldSchema(schema, k), true);
    }
  } else {
    const itemSchema = schema?.items();
    const { byId } = indexList(value as unknown[], shape, itemSchema, toArray(path), true);
    // A duplicated item is owned as a whole only.
    for (const [id, e] of byId) add(id, e.pe, e.items[0], itemSchema, e.items.length === 1);
  }
  return members.length > 0 ? FieldSet.fromSerialized(members, children) : undefined;
}

function walkSide(lhs: unknown, rhs: unknown, shape: Shape, schema: SchemaNode | undefined, path: Path | undefined, c: Walker): void {
  // Empty containers on both sides are compared as leaves, as upstream promotes them.
  if (shape.kind === 'scalar' || shape.kind === 'atomic' || (isEmptyContainer(lhs) && isEmptyContainer(rhs))) {
    if (path) {
      if (lhs === undefined) insert(c.added, path);
      else if (rhs === undefined) insert(c.removed, path);
      else if (!deepEqual(lhs, rhs)) insert(c.modified, path);
    }
    return;
  }
  if (shape.kind === 'map') {
    const lm = isPlainObject(lhs) ? lhs : undefined;
    const rm = isPlainObject(rhs) ? rhs : undefined;
    if (lm) {
      for (const k in lm) {
        const lv = lm[k];
        const rv = rm?.[k];
        if (lv === undefined && rv === undefined) continue;
        const s = fieldSchema(schema, k);
        if (c.skipEqual && lv !== undefined && rv !== undefined && equalAndClean(lv, rv, s)) continue;
        walk(lv, rv, s, { parent: path, pe: { kind: 'field', name: k } }, c);
      }
    }
    if (rm) {
      for (const k in rm) {
        // Keys the left side has were visited above, as upstream visits each key once.
        if (lm && Object.prototype.hasOwnProperty.call(lm, k)) continue;
        const rv = rm[k];
        if (rv === undefined) continue;
        walk(undefined, rv, fieldSchema(schema, k), { parent: path, pe: { kind: 'field', name: k } }, c);
      }
    }
    return;
  }
  const itemSchema = schema?.items();
  const flat = toArray(path);
  const left = indexList(Array.isArray(lhs) ? lhs : [], shape, itemSchema, flat, true);
  const right = indexList(Array.isArray(rhs) ? rhs : [], shape, itemSchema, flat, true);
  const visit = (li: { pe: PathElement; items: unknown[] } | undefined, ri: { pe: PathElement; items: unknown[] } | undefined): void => {
    const pe = (li ?? ri)!.pe;
    const ll = li?.items ?? [];
    const rl = ri?.items ?? [];
    if (ll.length <= 1 && rl.length <= 1) {
      if (c.skipEqual && ll.length === 1 && rl.length === 1 && equalAndClean(ll[0], rl[0], itemSchema)) return;
      walk(ll[0], rl[0], itemSchema, { parent: path, pe }, c);
      return;
    }
    const p = { parent: path, pe };
    if (ll.length >= 2 && rl.length >= 2) {
      if (!deepEqual(ll, rl)) insert(c.modified, p);
    } else if (ll.length >= 2) {
      if (rl.length > 0) walk(undefined, rl[0], itemSchema, p, c);
      insert(c.removed, p);
    } else {
      if (ll.length > 0) walk(ll[0], undefined, itemSchema, p, c);
      insert(c.added, p);
    }
  };
  for (const [id, li] of left.byId) visit(li, right.byId.get(id));
  for (const [id, ri] of right.byId) if (!left.byId.has(id)) visit(undefined, ri);
}

function toArray(path: Path | undefined): PathElement[] {
  const out: PathElement[] = [];
  for (let p: Path | undefined = path; p; p = p.parent) out.push(p.pe);
  return out.reverse();
}
