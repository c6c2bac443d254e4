/**
 * RFC 6902 JSON patch, as kube-apiserver applies it (with evanphx/json-patch v4): operations run in
 * order against a copy of the object; any that cannot apply fails the whole patch.
 */
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { cloneJson } from './clone-json.js';
import { jsonKindName } from './go-format.js';
import { malformedPatch, patchRejected, tooManyOperations } from './patch-errors.js';

/** kube-apiserver's limit on operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * Applies a decoded JSON patch document to `original` and returns the patched copy.
 * Throws 400 when the document is not a list of objects, 413 past 10000 operations, and 422 when an
 * operation cannot be applied (failed `test`, missing path, unknown `op`).
 *
 * @example applyJsonPatch(pod, [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }])
 */
export function applyJsonPatch(original: KubeObject, patch: unknown): KubeObject {
  const ops = decodeOperations(patch);
  let doc: unknown = cloneJson(original);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op === null) throw patchRejected(); // upstream decodes it as an operation of unknown kind
    if (passesMissingNullTest(doc, op)) continue;
    // Kubernetes' JSON patch library cannot address the document root: it fails every operation there.
    if (op.path === '' || ((op.op === 'move' || op.op === 'copy') && op.from === '')) throw patchRejected();
    if (op.op === 'move' && typeof op.from === 'string' && typeof op.path === 'string' && op.path.startsWith(`${op.from}/`)) {
      throw patchRejected(); // RFC 6902 4.4: a location cannot be moved into one of its children
    }
    const owned = 'value' in op ? { ...op, value: cloneJson(op.value) } : op;
    try {
      doc = fastJsonPatch.applyOperation(doc, owned as unknown as Operation, true, true, true, i).newDocument;
    } catch {
      throw patchRejected();
    }
  }
  return doc as KubeObject;
}

type RawOperation = Record<string, unknown> | null;

function decodeOperations(patch: unknown): RawOperation[] {
  // A JSON `null` document decodes to an empty patch upstream.
  if (patch === null || patch === undefined) return [];
  if (!Array.isArray(patch)) throw malformedPatch(`json: cannot unmarshal ${jsonKindName(patch)} into Go value of type jsonpatch.Patch`);
  for (const op of patch) {
    if (op !== null && !isPlainObject(op)) {
      throw malformedPatch(`json: cannot unmarshal ${jsonKindName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) throw tooManyOperations(MAX_JSON_PATCH_OPERATIONS, patch.length);
  return patch as RawOperation[];
}

/**
 * Kubernetes' JSON patch library treats `{"op":"test","value":null}` against an absent member of an
 * existing object as a match; RFC 6902 (and fast-json-patch) would fail it.
 */
function passesMissingNullTest(doc: unknown, op: Record<string, unknown>): boolean {
  if (op.op !== 'test' || op.value !== null || typeof op.path !== 'string' || op.path === '') return false;
  const steps = op.path.split('/').slice(1).map(unescapeStep);
  const last = steps.pop() as string;
  let cur: unknown = doc;
  for (const step of steps) {
    if (Array.isArray(cur)) cur = /^(0|[1-9][0-9]*)$/.test(step) ? cur[Number(step)] : undefined;
    else if (isPlainObject(cur)) cur = Object.hasOwn(cur, step) ? cur[step] : undefined;
    else return false;
  }
  return isPlainObject(cur) && !Object.hasOwn(cur, last);
}

function unescapeStep(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}
