/**
 * Decodes a PATCH request body. Each patch type answers a body that is not JSON with 400, in the
 * words kube-apiserver uses where they do not depend on Go's JSON parser.
 */
import { malformedPatch } from './patch-errors.js';
import type { PatchType } from './patch-type.js';

/**
 * Parses `body` as JSON for `type`; throws 400 BadRequest when it is not JSON.
 *
 * @example applyPatch('merge', pod, decodePatch('merge', '{"spec":{"replicas":3}}'), schema)
 */
export function decodePatch(type: PatchType, body: string | Uint8Array): unknown {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // The merge patch library reports every syntax error as one sentinel error.
    if (type === 'merge') throw malformedPatch('Invalid JSON Patch');
    throw malformedPatch((e as Error).message);
  }
}
