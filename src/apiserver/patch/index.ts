/**
 * PATCH for the Kubernetes API: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic
 * merge patch, as pure functions over decoded JSON. The apiserver picks the type from the request's
 * Content-Type, applies the patch to the stored object, then defaults and validates the result as
 * for an update.
 */
import type { KubeObject } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import type { PatchType } from './patch-type.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export type { PatchType } from './patch-type.js';
export { contentTypeOfPatch, patchTypeFromContentType } from './patch-type.js';
export { decodePatch } from './decode-patch.js';
export { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';

/**
 * Applies `patch` (already decoded from JSON) to `original` and returns a new object that shares
 * nothing with either input, so the caller may default or mutate it and may apply the same patch
 * again after a conflict. `original` is never mutated.
 * `schema` is the kind's root schema; pass undefined for kinds without Go-style patch metadata
 * (CustomResources), which refuse strategic merge patch with 415 as kube-apiserver does.
 * Throws StatusError with kube-apiserver's code, reason and message for a bad patch.
 *
 * @example
 * const type = patchTypeFromContentType(req.headers['content-type'] ?? '');
 * if (!type) throw unsupportedMediaType(...);
 * const updated = applyPatch(type, stored, JSON.parse(body), schemaFor(kind));
 */
export function applyPatch(type: PatchType, original: KubeObject, patch: unknown, schema: SchemaNode | undefined): KubeObject {
  switch (type) {
    case 'json':
      return applyJsonPatch(original, patch);
    case 'merge':
      return applyMergePatch(original, patch);
    case 'strategic':
      return applyStrategicMergePatch(original, patch, schema);
    default:
      throw new RangeError(`unknown patch type ${JSON.stringify(type)}`);
  }
}
