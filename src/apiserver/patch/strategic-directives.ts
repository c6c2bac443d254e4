/**
 * The directives of Kubernetes' strategic merge patch, and the two ways a patch value is cleaned of
 * them before it becomes part of an object.
 */
import { isPlainObject } from '../../api/object.js';
import { setOwn } from './clone-json.js';

/** `$patch: replace | delete` on a map or a list element (`merge` is reserved for schemas). */
export const PATCH_DIRECTIVE = '$patch';
/** `$retainKeys: [...]`: members of the map not listed are cleared. */
export const RETAIN_KEYS = '$retainKeys';
/** `$deleteFromPrimitiveList/<field>: [...]`: values removed from a merging list of primitives. */
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
/** `$setElementOrder/<field>: [...]`: the order of a merging list after the patch. */
export const SET_ELEMENT_ORDER = '$setElementOrder';

/** Marks a value that must not be kept at all (a map carrying `$patch`). */
export const DROPPED: unique symbol = Symbol('dropped');

export function isDirectiveKey(k: string): boolean {
  return (
    k.charCodeAt(0) === 36 /* $ */ &&
    (k === PATCH_DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE_LIST))
  );
}

/**
 * A copy of a patch value placed where the object had nothing to merge with: `null` members go
 * (nothing to delete), and so does every map that carries a `$patch` directive, with the list
 * elements that are such maps. Other directive keys are left out, as decoding into the typed
 * object drops them upstream.
 */
export function freshValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const f = freshValue(e);
      if (f !== DROPPED) out.push(f);
    }
    return out;
  }
  if (!isPlainObject(v)) return v;
  if (Object.hasOwn(v, PATCH_DIRECTIVE)) return DROPPED;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === null || isDirectiveKey(k)) continue;
    const f = freshValue(x);
    if (f !== DROPPED) setOwn(out, k, f);
  }
  return out;
}

/**
 * A copy of a patch value that replaces what the object had (`$patch: replace`, a list without a
 * merge strategy, a new merging-list element): upstream takes it verbatim and decoding into the
 * typed object then drops the directive keys and `null` members, so this copy leaves them out.
 */
export function literalValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(literalValue);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === null || isDirectiveKey(k)) continue;
    setOwn(out, k, literalValue(x));
  }
  return out;
}

/**
 * The field name after a `$deleteFromPrimitiveList/` or `$setElementOrder/` prefix, or undefined when
 * the key does not have exactly that shape (a 400 for the caller).
 */
export function directiveTarget(key: string, prefix: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) return undefined;
  return key.slice(slash + 1);
}
