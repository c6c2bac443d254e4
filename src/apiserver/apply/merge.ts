import { deepClone, isPlainObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import type { PathElement } from './path-element.js';
import { serializePathElement } from './path-element.js';
import { childSchema, indexList, shapeOf } from './typed.js';

/**
 * Merges an applied configuration into a live value the way upstream's typed Merge does: granular
 * objects merge per field, list maps per key and sets per value, everything else is replaced by the
 * configuration. Items shared by both lists follow the configuration's order; live-only items keep
 * their place. A field the configuration sets to null is left out of the result. Throws TypedErrors
 * for a configuration whose lists cannot be keyed (duplicates, missing keys).
 */
export function mergeApplied(live: unknown, config: unknown, schema: SchemaNode | undefined): unknown {
  return merge(live, config, schema, []);
}

function merge(lhs: unknown, rhs: unknown, schema: SchemaNode | undefined, path: PathElement[]): unknown {
  if (rhs === undefined) return lhs;
  const rShape = shapeOf(rhs, schema);
  const lShape = lhs === undefined ? undefined : shapeOf(lhs, schema);
  const sameKind = lShape !== undefined && lShape.kind === rShape.kind && Array.isArray(lhs) === Array.isArray(rhs);
  if (rShape.kind === 'map') {
    const out: Record<string, unknown> = sameKind ? { ...(lhs as Record<string, unknown>) } : {};
    for (const [k, v] of Object.entries(rhs as Record<string, unknown>)) {
      if (v === undefined) continue;
      const pe: PathElement = { kind: 'field', name: k };
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = merge(out[k], v, childSchema(schema, pe), [...path, pe]);
    }
    return out;
  }
  if (rShape.kind === 'set' || rShape.kind === 'keyed') {
    // Validate the configuration even when there is nothing to merge it with.
    const itemSchema = schema?.items();
    const right = indexList(rhs as unknown[], rShape, itemSchema, path, false);
    if (!sameKind) return stripNulls(rhs);
    const left = indexList(lhs as unknown[], rShape, itemSchema, path, true);
    return mergeLists(left, right, itemSchema, path, rhs as unknown[]);
  }
  return stripNulls(rhs);
}

type Indexed = ReturnType<typeof indexList>;

function mergeLists(left: Indexed, right: Indexed, itemSchema: SchemaNode | undefined, path: PathElement[], rhs: unknown[]): unknown[] {
  const id = serializePathElement;
  const lIds = left.elements.map(id);
  const rIds = right.elements.map(id);
  const inRight = new Set(rIds);
  const leftIds = new Set(lIds);
  // The shared items in the configuration's order: a shared live item waits until its turn comes.
  const shared = rIds.filter((x) => leftIds.has(x));
  let nextShared = 0;
  const emitted = new Set<string>();
  const out: unknown[] = [];
  const mergeItem = (key: string): void => {
    emitted.add(key);
    const l = left.byId.get(key);
    // A live item that appears twice is replaced whole by the configured one.
    const lv = l && l.items.length === 1 ? l.items[0] : undefined;
    const rv = right.byId.get(key)!.items[0];
    out.push(merge(lv, rv, itemSchema, [...path, right.byId.get(key)!.pe]));
  };
  let li = 0;
  let ri = 0;
  while (li < lIds.length || ri < rIds.length) {
    if (li < lIds.length && ri < rIds.length) {
      if (lIds[li] === rIds[ri]) {
        mergeItem(rIds[ri]);
        li++;
        ri++;
        nextShared++;
        continue;
      }
      if (inRight.has(lIds[li]) && nextShared < shared.length && shared[nextShared] !== lIds[li]) {
        li++;
        continue;
      }
    }
    if (li < lIds.length) {
      if (!inRight.has(lIds[li])) {
        out.push(liveItemAt(left, li));
        li++;
        continue;
      }
      if (emitted.has(lIds[li])) li++;
    }
    if (ri < rIds.length) {
      const key = rIds[ri];
      mergeItem(key);
      ri++;
      if (nextShared < shared.length && shared[nextShared] === key) nextShared++;
    }
  }
  return out.length > 0 ? out : deepClone(rhs);
}

/** The live item at position `i`, for duplicates that are kept as they are. */
function liveItemAt(left: Indexed, i: number): unknown {
  const key = serializePathElement(left.elements[i]);
  const occurrence = left.elements.slice(0, i).filter((pe) => serializePathElement(pe) === key).length;
  return left.byId.get(key)!.items[occurrence];
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = stripNulls(x);
    return out;
  }
  return v;
}
