/**
 * Kubernetes' strategic merge patch, applied as kube-apiserver applies it to built-in kinds
 * (k8s.io/apimachinery strategicpatch, server side). The schema decides how each field merges:
 * - maps merge member by member; `null` deletes a member;
 * - a list whose `patchStrategy` contains `merge` merges: objects by `patchMergeKey`, primitives as
 *   a set; any other list is replaced (`x-kubernetes-list-type` plays no part, as upstream);
 * - where there is no schema (an unknown or free-form field) maps still merge and lists replace,
 *   as in a JSON merge patch.
 * Directives: `$patch: replace | delete` in maps and merging-list elements, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`, the last two as kubectl
 * apply sends them.
 */
import type { SchemaNode } from '../../api/schema.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { cloneJson, setOwn } from './clone-json.js';
import { kindOf, normalizeElementOrder, partitionByPresence, type ElementKind } from './element-order.js';
import { goFormat, jsonKindName } from './go-format.js';
import {
  malformedPatch,
  missingMergeKey,
  patchFailed,
  patchRejected,
  strategicMergeUnsupported,
  wrongValueType,
} from './patch-errors.js';
import {
  DELETE_FROM_PRIMITIVE_LIST,
  DROPPED,
  PATCH_DIRECTIVE,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
  directiveTarget,
  freshValue,
  literalValue,
} from './strategic-directives.js';

type JsonMap = Record<string, unknown>;

/** How one field merges: the schema to descend with, its patch strategy and its merge key. */
interface FieldMeta {
  schema: SchemaNode | undefined;
  strategy: string;
  mergeKey: string;
}

/**
 * Applies a decoded strategic merge patch to `original` and returns the patched copy.
 * `schema` is the kind's root schema; without one (CustomResources) the patch type is refused with
 * 415 as kube-apiserver refuses it. Other errors: 400 for a malformed document or directive, 422 for
 * lists of lists, 500 (no reason) where upstream's merge code returns a plain error, such as a
 * merging-list element without its merge key.
 *
 * @example
 * applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }, podSchema)
 */
export function applyStrategicMergePatch(original: KubeObject, patch: unknown, schema: SchemaNode | undefined): KubeObject {
  if (!schema) throw strategicMergeUnsupported();
  // A JSON `null` decodes to an empty patch map upstream.
  if (patch === null || patch === undefined) return cloneJson(original);
  if (!isPlainObject(patch)) {
    throw malformedPatch(`json: cannot unmarshal ${jsonKindName(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(cloneJson(original) as JsonMap, patch, schema) as KubeObject;
}

/** Merges `patch` into `original`, which the caller owns; `patch` is only read. */
function mergeMap(original: JsonMap, patch: JsonMap, schema: SchemaNode | undefined): JsonMap {
  if (Object.hasOwn(patch, PATCH_DIRECTIVE)) {
    const directive = patch[PATCH_DIRECTIVE];
    if (directive === 'replace') return literalValue(patch) as JsonMap;
    if (directive === 'delete') return {};
    throw patchFailed(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
  }
  applyRetainKeys(original, patch);
  const ordered = applyElementOrder(original, patch, schema);

  for (const key of Object.keys(patch)) {
    if (key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || ordered.has(key)) continue;
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const target = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST);
      if (target === undefined) throw malformedPatch('invalid patch format of primitive list');
      k = target;
      isDeleteList = true;
    }
    const patchV = patch[key];
    if (patchV === null) {
      delete original[k];
      continue;
    }
    const present = Object.hasOwn(original, k);
    const origV = present ? original[k] : undefined;
    const kind = kindOf(origV);
    if (!present || kind !== kindOf(patchV)) {
      // Nothing to merge with: take the patch's value (a delete list adds nothing).
      if (!isDeleteList) {
        const v = freshValue(patchV);
        if (v === DROPPED) delete original[k];
        else setOwn(original, k, v);
      }
      continue;
    }
    if (kind === 'map') {
      const meta = fieldMeta(schema, k, false);
      setOwn(original, k, meta.strategy === 'replace' ? literalValue(patchV) : mergeMap(origV as JsonMap, patchV as JsonMap, meta.schema));
    } else if (kind === 'list') {
      setOwn(original, k, mergeListField(origV as unknown[], patchV as unknown[], fieldMeta(schema, k, true), isDeleteList));
    } else {
      setOwn(original, k, patchV);
    }
  }
  return original;
}

/** A list field: merged when its strategy says so (or for a delete list), replaced otherwise. */
function mergeListField(original: unknown[], patch: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  if (meta.strategy === 'merge' || isDeleteList) return mergeList(original, patch, meta.schema, meta.mergeKey, isDeleteList);
  return literalValue(patch) as unknown[];
}

function mergeList(
  original: unknown[],
  patch: readonly unknown[],
  itemSchema: SchemaNode | undefined,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: unknown[];
  let serverOrder: unknown[] = original;
  let patchItems: readonly unknown[] = patch;
  if (kind !== 'map') {
    if (isDeleteList) {
      const gone = new Set(patch);
      return original.filter((v) => !gone.has(v));
    }
    merged = [...new Set([...original, ...patch])];
  } else {
    // `kubectl` never sends this; upstream names the element type in Go terms
    if (!mergeKey) throw patchFailed('cannot merge lists without merge key for struct');
    const split = applyElementDirectives(original, patch as JsonMap[], mergeKey);
    serverOrder = split.original;
    patchItems = split.patch;
    merged = mergeByKey(split.original, split.patch, mergeKey, itemSchema);
  }
  const [named, serverOnly] = partitionByPresence(merged, patchItems, mergeKey);
  return normalizeElementOrder(named, serverOnly, patchItems, serverOrder, mergeKey, kind);
}

/**
 * Handles the `$patch` elements of a merging list of objects: `delete` removes every element with
 * that merge key, `replace` makes the other patch elements the whole list.
 */
function applyElementDirectives(original: unknown[], patch: readonly JsonMap[], mergeKey: string): { original: unknown[]; patch: JsonMap[] } {
  const rest: JsonMap[] = [];
  let replace = false;
  for (const element of patch) {
    if (!Object.hasOwn(element, PATCH_DIRECTIVE)) {
      rest.push(element);
      continue;
    }
    const directive = element[PATCH_DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(element, mergeKey)) throw missingMergeKey(element, mergeKey);
      const key = element[mergeKey];
      original = original.filter((v) => !(isPlainObject(v) && Object.hasOwn(v, mergeKey) && v[mergeKey] === key));
    } else if (directive === 'replace') {
      replace = true; // keep going: the remaining `$patch` elements are still checked
    } else if (directive === 'merge') {
      throw patchFailed('merging lists cannot yet be specified in the patch');
    } else {
      throw patchFailed(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(element)}`);
    }
  }
  if (replace) return { original: rest.map(literalValue), patch: [] };
  return { original, patch: rest };
}

/** Merges each patch element into the element with its merge key, or appends it. */
function mergeByKey(original: unknown[], patch: readonly JsonMap[], mergeKey: string, itemSchema: SchemaNode | undefined): unknown[] {
  const out = original.slice();
  for (const element of patch) {
    if (!Object.hasOwn(element, mergeKey)) throw missingMergeKey(element, mergeKey);
    const key = element[mergeKey];
    let at = -1;
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (!isPlainObject(v)) throw patchFailed(`value for key ${i} is not a map`);
      if (Object.hasOwn(v, mergeKey) && v[mergeKey] === key) {
        at = i;
        break;
      }
    }
    if (at >= 0) out[at] = mergeMap(out[at] as JsonMap, element, itemSchema);
    else out.push(literalValue(element));
  }
  return out;
}

/** The kind shared by every element of the lists; lists of lists are refused with 422. */
function elementKind(...lists: ReadonlyArray<readonly unknown[]>): ElementKind {
  let kind: ElementKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === 'list') throw patchRejected();
        kind = k;
      } else if (k !== kind) {
        throw patchFailed(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (kind === undefined) throw patchFailed('no elements in any of the given slices');
  return kind;
}

/**
 * `$retainKeys`: members of `original` not listed are cleared. Every member the patch sets must be
 * listed (400 otherwise).
 */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const listed = patch[RETAIN_KEYS];
  if (!Array.isArray(listed)) throw malformedPatch('invalid patch format of retainKeys');
  const keep = new Set<unknown>(listed);
  for (const k of Object.keys(patch)) {
    if (k === RETAIN_KEYS || patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw malformedPatch('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<field>`: merges the field's list (if the patch has one) and orders the result:
 * listed items in the listed order, the server's other items where the server had them.
 * Returns the fields it merged, which the caller must not merge again.
 */
function applyElementOrder(original: JsonMap, patch: JsonMap, schema: SchemaNode | undefined): Set<string> {
  const done = new Set<string>();
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    if (!Array.isArray(order)) throw wrongValueType('[]interface {}', order);
    const field = directiveTarget(key, SET_ELEMENT_ORDER);
    if (field === undefined) throw malformedPatch('invalid patch format of setElementOrder list');

    const inOriginal = Object.hasOwn(original, field);
    const inPatch = Object.hasOwn(patch, field);
    const originalList = inOriginal ? original[field] : [];
    const patchList = inPatch ? patch[field] : [];
    if (!Array.isArray(originalList)) throw wrongValueType('[]interface {}', originalList);
    if (!Array.isArray(patchList)) throw wrongValueType('[]interface {}', patchList);
    const meta = fieldMeta(schema, field, true);
    checkOrderMatchesPatch(patchList, order, meta.mergeKey);

    let merged: unknown[];
    if (inOriginal && !inPatch) merged = originalList;
    else if (!inOriginal && inPatch) merged = freshValue(patchList) as unknown[];
    else if (inOriginal && inPatch) merged = mergeListField(originalList, patchList, meta, false);
    else continue;

    const [named, serverOnly] = partitionByPresence(merged, order, meta.mergeKey);
    const kind = elementKind(originalList, patchList);
    setOwn(original, field, normalizeElementOrder(named, serverOnly, order, originalList, meta.mergeKey, kind));
    done.add(field);
  }
  return done;
}

/**
 * The patch's own list must name its items in the `$setElementOrder` order, and only items that
 * list names (elements carrying `$patch` aside).
 */
function checkOrderMatchesPatch(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isPlainObject(v)) throw wrongValueType('map[string]interface {}', v);
    items = patchList.filter((v) => (v as JsonMap)[PATCH_DIRECTIVE] !== 'delete');
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isPlainObject(item) && Object.hasOwn(item, PATCH_DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameElement(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw patchFailed(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    );
  }
}

function sameElement(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isPlainObject(a)) throw wrongValueType('map[string]interface {}', a);
  if (!isPlainObject(b)) throw wrongValueType('map[string]interface {}', b);
  if (!Object.hasOwn(a, mergeKey)) throw missingMergeKey(a, mergeKey);
  if (!Object.hasOwn(b, mergeKey)) throw missingMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}

/**
 * The schema and patch metadata of field `key`: of the field itself for maps, of its items for lists.
 * Free-form nodes (`opaque`) have no schema below them.
 */
function fieldMeta(schema: SchemaNode | undefined, key: string, list: boolean): FieldMeta {
  const node = schema && !schema.opaque ? (schema.field(key) ?? schema.values()) : undefined;
  return {
    schema: list ? node?.items() : node,
    strategy: mergeStrategy(node?.patchStrategy),
    mergeKey: node?.patchMergeKey ?? '',
  };
}

/** The strategy besides `retainKeys` (which only tells clients to send `$retainKeys`). */
function mergeStrategy(patchStrategy: string | undefined): string {
  if (!patchStrategy) return '';
  const parts = patchStrategy.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length <= 1) return parts[0] === 'retainKeys' ? '' : (parts[0] ?? '');
  if (parts.length === 2 && parts[0] === 'retainKeys') return parts[1];
  if (parts.length === 2 && parts[1] === 'retainKeys') return parts[0];
  throw patchFailed(`unexpected patch strategy: [${parts.join(' ')}]`);
}
