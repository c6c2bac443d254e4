/**
 * RFC 7386 JSON merge patch, as kube-apiserver applies it (evanphx/json-patch v4 `MergePatch`):
 * objects merge member by member, `null` deletes a member, anything else (lists included) replaces.
 */
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { cloneJson, setOwn } from './clone-json.js';
import { jsonKindName } from './go-format.js';
import { malformedPatch, patchedObjectInvalid } from './patch-errors.js';

/**
 * Applies a decoded merge patch to `original` and returns the patched copy.
 * Throws 400 for a `null` patch and 422 when the patch is not an object (the patched document would
 * no longer be an object).
 *
 * @example applyMergePatch(pod, { metadata: { labels: { tier: 'web', old: null } } })
 */
export function applyMergePatch(original: KubeObject, patch: unknown): KubeObject {
  if (patch === null || patch === undefined) throw malformedPatch('Invalid JSON Patch');
  if (!isPlainObject(patch)) {
    // The library hands a non-object patch back as the whole document, which then fails to decode.
    throw patchedObjectInvalid(
      patch,
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindName(patch)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  }
  const doc = cloneJson(original) as Record<string, unknown>;
  mergeInto(doc, patch);
  return doc as KubeObject;
}

/** Merges `patch` into `doc`, which the caller owns; `patch` is only read. */
function mergeInto(doc: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = Object.hasOwn(doc, k) ? doc[k] : undefined;
    if (isPlainObject(cur) && isPlainObject(v)) mergeInto(cur, v);
    else if (isPlainObject(cur)) setOwn(doc, k, cloneJson(v)); // upstream keeps a non-object replacement verbatim
    else setOwn(doc, k, withoutNulls(v));
  }
}

/**
 * A copy of a value newly placed in the document, without the `null` members of its objects (at any
 * depth, through lists too): there is nothing under them for those nulls to delete.
 */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) if (v[k] !== null) setOwn(out, k, withoutNulls(v[k]));
  return out;
}
