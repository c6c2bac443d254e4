import type { KubeObject } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import type { ManagerOptions } from './server-side-apply.js';
import type { ManagedFields } from './managed-fields.js';
import { decodeManagedFields, encodeManagedFields, isResetManagedFields } from './managed-fields.js';
import { objectSchema } from './object-meta-schema.js';
import { recordUpdate } from './record-update.js';
import { TypedErrors } from './typed.js';

function decodeOrEmpty(entries: unknown): ManagedFields {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/**
 * Tracks a create, update or patch made by `opts.manager`: rewrites `updated.metadata.managedFields`.
 *
 * Which ownership it starts from follows kube-apiserver: a subresource write always starts from the
 * stored entries; `managedFields: []` or `[{}]` drops all tracking; otherwise the entries the
 * request carries are used when they decode, and a missing, empty or malformed list falls back to
 * the stored entries (so clients unaware of the field cannot wipe it). An update of an object that
 * has no entries stays untracked until the next apply; a create always starts tracking.
 */
export function trackUpdate(old: KubeObject | undefined, updated: KubeObject, opts: ManagerOptions): void {
  const schema = objectSchema(opts.schema);
  const requested = updated.metadata?.managedFields as unknown;
  const stored = old?.metadata?.managedFields as unknown;
  let managed: ManagedFields;
  if (opts.subresource) managed = decodeOrEmpty(stored);
  else if (isResetManagedFields(requested)) managed = new Map();
  else {
    managed = decodeOrEmpty(requested);
    if (managed.size === 0) managed = decodeOrEmpty(stored);
  }
  if (!updated.metadata) updated.metadata = {};
  delete updated.metadata.managedFields;
  if (managed.size === 0 && old !== undefined) return;

  let before: unknown = {};
  if (old) {
    const o = deepClone(old);
    if (o.metadata) delete o.metadata.managedFields;
    before = o;
  }
  try {
    recordUpdate(before, updated, schema, managed, opts, opts.now);
  } catch (e) {
    // An object whose lists cannot be keyed still gets written; it keeps its previous ownership.
    if (!(e instanceof TypedErrors)) throw e;
    if (stored !== undefined) updated.metadata.managedFields = deepClone(old!.metadata.managedFields);
    return;
  }
  const encoded = encodeManagedFields(managed);
  if (encoded) updated.metadata.managedFields = encoded;
}
