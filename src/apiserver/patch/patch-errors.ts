/**
 * The Status errors kube-apiserver answers a bad PATCH with. Each mirrors one path in upstream's
 * patch handler, so clients that match on code, reason or message see what they would from Kubernetes.
 */
import { StatusError, badRequest, field, invalid, tooLarge } from '../../api/errors.js';
import { goFormat, goTypeName } from './go-format.js';

/** The patch types a CustomResource accepts: no strategic merge patch, which needs Go struct tags. */
const CUSTOM_RESOURCE_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** 400: the patch document cannot be decoded or uses a directive wrongly. */
export function malformedPatch(message: string): StatusError {
  return badRequest(message);
}

/**
 * 422 for a patch that decodes but cannot be applied: a JSON patch operation that fails (a `test`,
 * a missing path, an unknown op) or a strategic merge patch upstream refuses (lists of lists).
 * Upstream builds a generic response here, so the cause is not in the message.
 */
export function patchRejected(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** 422 when the patched document is no longer an object of the resource's kind. */
export function patchedObjectInvalid(patched: unknown, detail: string): StatusError {
  return invalid('', '', '', [field.invalid('patch', JSON.stringify(patched), detail)]);
}

/**
 * 500 with no reason: the strategic merge code returns plain Go errors for many malformed patches
 * (a missing merge key, `$patch: merge`), and kube-apiserver passes their text through unchanged.
 */
export function patchFailed(message: string): StatusError {
  const e = new StatusError(500, 'InternalError', message);
  delete e.status.reason;
  return e;
}

/** 413 for a JSON patch with more operations than kube-apiserver allows. */
export function tooManyOperations(max: number, got: number): StatusError {
  return tooLarge(`Request entity too large: The allowed maximum operations in a JSON patch is ${max}, got ${got}`);
}

/** 415 for a strategic merge patch against a kind without Go-style patch metadata (CustomResources). */
export function strategicMergeUnsupported(): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${CUSTOM_RESOURCE_PATCH_TYPES.join(', ')}`,
  );
}

/** 500: a merging-list element without its merge key. */
export function missingMergeKey(element: unknown, mergeKey: string): StatusError {
  return patchFailed(`map: ${goFormat(element)} does not contain declared merge key: ${mergeKey}`);
}

/** 500: a value of the wrong JSON type where the merge needs a map or a list (`expected` in Go's spelling). */
export function wrongValueType(expected: 'map[string]interface {}' | '[]interface {}', actual: unknown): StatusError {
  return patchFailed(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}
