import { deepEqual, isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import { FieldSet } from './field-set.js';
import type { PathElement } from './path-element.js';
import { childSchema, indexList, shapeOf } from './typed.js';
import type { Shape } from './typed.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * The fields that differ between two versions of an object, as upstream's Compare reports them: a
 * value present on one side only is added or removed together with everything below it; a leaf
 * (scalar, atomic or opaque value) whose content changed is modified.
 */
export function compareObjects(lhs: unknown, rhs: unknown, schema: SchemaNode | undefined): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walk(lhs, rhs, schema, [], c, true);
  return c;
}

function isEmptyContainer(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

function walk(lhs: unknown, rhs: unknown, schema: SchemaNode | undefined, path: PathElement[], c: Comparison, root = false): void {
  const l = lhs === undefined ? undefined : shapeOf(lhs, schema);
  const r = rhs === undefined ? undefined : shapeOf(rhs, schema);
  if (l && r && (l.kind !== r.kind || Array.isArray(lhs) !== Array.isArray(rhs))) {
    // The value changed type: the old content is gone, the new one arrives, the field is modified.
    walkSide(lhs, undefined, l, schema, path, c);
    walkSide(undefined, rhs, r, schema, path, c);
    if (!root) c.modified.insert(path);
    return;
  }
  walkSide(lhs, rhs, (l ?? r)!, schema, path, c);
  if (!root) {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
  }
}

function walkSide(lhs: unknown, rhs: unknown, shape: Shape, schema: SchemaNode | undefined, path: PathElement[], c: Comparison): void {
  const leaf = (): void => {
    if (lhs === undefined) c.added.insert(path);
    else if (rhs === undefined) c.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) c.modified.insert(path);
  };
  // Empty containers on both sides are compared as leaves, as upstream promotes them.
  if (shape.kind === 'scalar' || shape.kind === 'atomic' || (isEmptyContainer(lhs) && isEmptyContainer(rhs))) {
    if (path.length > 0) leaf();
    return;
  }
  if (shape.kind === 'map') {
    const lm = isPlainObject(lhs) ? lhs : {};
    const rm = isPlainObject(rhs) ? rhs : {};
    const keys = new Set([...Object.keys(lm), ...Object.keys(rm)]);
    for (const k of keys) {
      const lv = lm[k];
      const rv = rm[k];
      if (lv === undefined && rv === undefined) continue;
      const pe: PathElement = { kind: 'field', name: k };
      walk(lv, rv, childSchema(schema, pe), [...path, pe], c);
    }
    return;
  }
  const itemSchema = schema?.items();
  const left = indexList(Array.isArray(lhs) ? lhs : [], shape, itemSchema, path, true);
  const right = indexList(Array.isArray(rhs) ? rhs : [], shape, itemSchema, path, true);
  const ids = new Set([...left.byId.keys(), ...right.byId.keys()]);
  for (const id of ids) {
    const li = left.byId.get(id);
    const ri = right.byId.get(id);
    const pe = (li ?? ri)!.pe;
    const p = [...path, pe];
    const ll = li?.items ?? [];
    const rl = ri?.items ?? [];
    if (ll.length <= 1 && rl.length <= 1) {
      walk(ll[0], rl[0], itemSchema, p, c);
    } else if (ll.length >= 2 && rl.length >= 2) {
      if (!deepEqual(ll, rl)) c.modified.insert(p);
    } else if (ll.length >= 2) {
      if (rl.length > 0) walk(undefined, rl[0], itemSchema, p, c);
      c.removed.insert(p);
    } else {
      if (ll.length > 0) walk(ll[0], undefined, itemSchema, p, c);
      c.added.insert(p);
    }
  }
}
