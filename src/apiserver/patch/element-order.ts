/**
 * The order of a merged list after a strategic merge patch. Items named by the patch (or by its
 * `$setElementOrder` list) keep the patch's order; items only the server had keep theirs; the two
 * runs interleave by the server's order where both are known, so a new item lands before the first
 * server item that the patch does not place (kube-apiserver's rule, which clients depend on).
 */
import { isPlainObject } from '../../api/object.js';
import { missingMergeKey, wrongValueType } from './patch-errors.js';
import { PATCH_DIRECTIVE } from './strategic-directives.js';

/** `map` for lists of objects (merged by key), anything else for lists of primitives. */
export type ElementKind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';

export function kindOf(v: unknown): ElementKind {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'map';
  return typeof v as 'string' | 'number' | 'boolean';
}

/** Splits `merged` into the items `by` names (by merge key, or by value without one) and the rest. */
export function partitionByPresence(merged: readonly unknown[], by: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const named: unknown[] = [];
  const rest: unknown[] = [];
  if (!mergeKey) {
    const present = new Set(by);
    for (const v of merged) (present.has(v) ? named : rest).push(v);
    return [named, rest];
  }
  const present = new Set<unknown>();
  for (const e of by) {
    // upstream walks `by` looking for a match and stops at the first non-map
    if (!isPlainObject(e)) throw wrongValueType('map[string]interface {}', e);
    if (Object.hasOwn(e, mergeKey)) present.add(e[mergeKey]);
  }
  for (const v of merged) {
    if (!isPlainObject(v)) throw wrongValueType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw missingMergeKey(v, mergeKey);
    (present.has(v[mergeKey]) ? named : rest).push(v);
  }
  return [named, rest];
}

/**
 * Orders `patchItems` by `patchOrder` and `serverOnly` by `serverOrder`, then interleaves them.
 * Both inputs are fresh arrays the caller gives up.
 */
export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const patchSorted = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const serverSorted = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return interleave(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}

function sortByOrder(items: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    requireMergeKey(mergeKey, items);
    requireMergeKey(mergeKey, order);
    // elements still carrying `$patch: delete` go last
    const kept: unknown[] = [];
    for (const v of items) ((v as Record<string, unknown>)[PATCH_DIRECTIVE] === 'delete' ? toDelete : kept).push(v);
    items = kept;
  }
  const position = positionsIn(order, mergeKey, kind);
  // Array.prototype.sort is stable; items missing from `order` keep their place relative to each other.
  items.sort((a, b) => {
    const pa = position(a);
    const pb = position(b);
    return pa >= 0 && pb >= 0 ? pa - pb : 0;
  });
  return toDelete.length ? items.concat(toDelete) : items;
}

function interleave(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const position = positionsIn(serverOrder, mergeKey, kind);
  const out = new Array<unknown>(left.length + right.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    if (i >= left.length) out[k] = right[j++];
    else if (j >= right.length) out[k] = left[i++];
    else {
      const li = position(left[i]);
      const ri = position(right[j]);
      // a server item goes first only when the server's order puts it before the patch item
      out[k] = li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++];
    }
  }
  return out;
}

/** A lookup of each item's first position in `order`, by merge key for maps; -1 when absent. */
function positionsIn(order: readonly unknown[], mergeKey: string, kind: ElementKind): (v: unknown) => number {
  const identity = (v: unknown): unknown => (kind === 'map' ? (isPlainObject(v) ? v[mergeKey] : undefined) : v);
  const first = new Map<unknown, number>();
  for (let i = 0; i < order.length; i++) {
    const id = identity(order[i]);
    if (!first.has(id)) first.set(id, i);
  }
  return (v) => first.get(identity(v)) ?? -1;
}

function requireMergeKey(mergeKey: string, list: readonly unknown[]): void {
  for (const v of list) {
    if (!isPlainObject(v)) throw wrongValueType('map[string]interface {}', v);
    if (!Object.hasOwn(v, mergeKey)) throw missingMergeKey(v, mergeKey);
  }
}
