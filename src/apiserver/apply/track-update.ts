import type { KubeObject } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import type { ManagerOptions } from './server-side-apply.js';
import { createdFieldsV1Text } from './created-fields-v1.js';
import { setFieldsV1Text } from './lazy-fields-v1.js';
import type { ManagedFields, ManagedFieldsEntry } from './managed-fields.js';
import { decodeManagedFields, encodeManagedFields, isResetManagedFields } from './managed-fields.js';
import { objectSchema } from './object-meta-schema.js';
import { recordUpdate } from './record-update.js';
import { TypedErrors } from './typed.js';

function decodeOrEmpty(entries: unknown, reference?: unknown): ManagedFields {
  try {
    return decodeManagedFields(entries, reference);
  } catch {
    return new Map();
  }
}

/** Shortcuts trackUpdate takes; tests turn them off to check them against the general path. */
export interface TrackPaths {
  /** Write a create's fieldsV1 straight from the object (default true). */
  fastCreate?: boolean;
  /** Skip equal subtrees when comparing (default true). */
  skipEqual?: boolean;
}

/**
 * The common create (no earlier managers): the writer owns everything it set, written straight to
 * fieldsV1. False for an object whose lists cannot be keyed; the general path then reports that.
 */
function trackCreate(updated: KubeObject, schema: SchemaNode | undefined, opts: ManagerOptions): boolean {
  let fieldsV1: string | undefined;
  try {
    fieldsV1 = createdFieldsV1Text(updated as Record<string, unknown>, schema);
  } catch (e) {
    if (e instanceof TypedErrors) return false;
    throw e;
  }
  if (fieldsV1 === undefined) return true;
  // The fields and their order are encodeManagedFields' for a single Update entry.
  const e: ManagedFieldsEntry = {};
  e.manager = opts.manager || 'unknown';
  e.operation = 'Update';
  e.apiVersion = opts.apiVersion;
  if (opts.now) e.time = opts.now;
  e.fieldsType = 'FieldsV1';
  // Defined here, so that it keeps its place between fieldsType and subresource.
  setFieldsV1Text(e, fieldsV1);
  if (opts.subresource) e.subresource = opts.subresource;
  updated.metadata.managedFields = [e];
  return true;
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
export function trackUpdate(old: KubeObject | undefined, updated: KubeObject, opts: ManagerOptions, paths: TrackPaths = {}): void {
  const schema = objectSchema(opts.schema);
  const requested = updated.metadata?.managedFields as unknown;
  const stored = old?.metadata?.managedFields as unknown;
  let managed: ManagedFields;
  if (opts.subresource) managed = decodeOrEmpty(stored);
  else if (isResetManagedFields(requested)) managed = new Map();
  else {
    managed = decodeOrEmpty(requested, stored);
    if (managed.size === 0) managed = decodeOrEmpty(stored);
  }
  if (!updated.metadata) updated.metadata = {};
  delete updated.metadata.managedFields;
  if (managed.size === 0 && old !== undefined) return;
  if (old === undefined && managed.size === 0 && paths.fastCreate !== false && trackCreate(updated, schema, opts)) return;

  let before: unknown = {};
  if (old) {
    // Nothing below writes to the old object: a shallow copy without managedFields compares the same.
    const { managedFields: _, ...meta } = old.metadata ?? {};
    before = old.metadata ? { ...old, metadata: meta } : old;
  }
  try {
    recordUpdate(before, updated, schema, managed, opts, opts.now, { skipEqual: paths.skipEqual });
  } catch (e) {
    // An object whose lists cannot be keyed still gets written; it keeps its previous ownership.
    if (!(e instanceof TypedErrors)) throw e;
    if (stored !== undefined) updated.metadata.managedFields = deepClone(old!.metadata.managedFields);
    return;
  }
  const encoded = encodeManagedFields(managed);
  if (encoded) updated.metadata.managedFields = encoded;
}
