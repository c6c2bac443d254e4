import { badRequest, StatusError } from '../../api/errors.js';
import type { StatusReason } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { deepClone, deepEqual } from '../../api/object.js';
import type { SchemaNode } from '../../api/schema.js';
import type { FieldSet } from './field-set.js';
import { ensureNamedFieldsAreMembers, fieldSetFromObject } from './field-set-from-object.js';
import type { ManagedFields } from './managed-fields.js';
import { decodeManagedFields, encodeManagedFields, managerId, ManagedFieldsError, strippedFields } from './managed-fields.js';
import { mergeApplied } from './merge.js';
import { objectSchema } from './object-meta-schema.js';
import { recordUpdate } from './record-update.js';
import { removeItems } from './remove-items.js';
import { TypedErrors } from './typed.js';
import { updateManagers } from './update-managers.js';

export interface ManagerOptions {
  /** The field manager; empty becomes `unknown`, as upstream names anonymous writers. */
  manager: string;
  /** The apiVersion of the request, recorded in the entry. */
  apiVersion: string;
  /** RFC 3339 with seconds, stamped on entries that change. */
  now: string;
  subresource?: string;
  schema?: SchemaNode;
}

function gvkString(obj: { apiVersion?: unknown; kind?: unknown }): string {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return `${gv}, Kind=${typeof obj.kind === 'string' ? obj.kind : ''}`;
}

/**
 * An error that is not a Status, which kube-apiserver answers as 500 with an empty (Unknown) reason
 * and the error's text as message.
 */
function unknownError(message: string): StatusError {
  return new StatusError(500, '' as StatusReason, message);
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const o = deepClone(obj);
  if (o.metadata) delete o.metadata.managedFields;
  return o;
}

/**
 * Server-side apply: merges `applied` into `live` (undefined to create), removes what this manager
 * applied before and no longer applies unless someone else owns it, and records the applied fields
 * as this manager's Apply entry. Changing a field another manager owns is a 409 Conflict unless
 * `force`, which takes the field over. Returns a new object; `live` is left untouched.
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, opts: ManagerOptions & { force: boolean }): KubeObject {
  const schema = objectSchema(opts.schema);
  if (applied.metadata?.managedFields !== undefined && applied.metadata?.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  if (applied.apiVersion !== opts.apiVersion || (live && applied.kind !== live.kind)) {
    throw badRequest(`invalid object type: ${gvkString(applied)}`);
  }

  let managed: ManagedFields;
  try {
    managed = decodeManagedFields(live?.metadata?.managedFields);
  } catch (e) {
    if (e instanceof ManagedFieldsError) throw unknownError(`failed to decode managed fields: ${e.message}`);
    throw e;
  }
  const before: KubeObject | Record<string, never> = live ? withoutManagedFields(live) : {};
  const config = deepClone(applied);
  const where = `(${applied.metadata?.namespace ?? ''}/${applied.metadata?.name ?? ''}; ${gvkString(applied)})`;

  try {
    // An object nobody tracked yet: what it holds is owned by a stand-in, so an apply cannot
    // silently take over values someone wrote before tracking began.
    if (managed.size === 0 && live) {
      recordUpdate({}, before, schema, managed, { manager: 'before-first-apply', apiVersion: opts.apiVersion, subresource: opts.subresource }, opts.now);
    }
  } catch (e) {
    if (e instanceof TypedErrors) throw unknownError(`failed to create manager for existing fields: ${e.message}`);
    throw e;
  }

  let merged: Record<string, unknown>;
  let appliedSet: FieldSet;
  try {
    appliedSet = fieldSetFromObject(config, schema);
    merged = mergeApplied(before, config, schema) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TypedErrors) throw unknownError(`failed to create typed patch object ${where}: ${e.message}`);
    throw e;
  }

  const entry = { manager: opts.manager || 'unknown', operation: 'Apply' as const, apiVersion: opts.apiVersion, subresource: opts.subresource };
  const id = managerId(entry);
  const previous = managed.get(id);
  managed.set(id, { ...entry, ...(previous?.time ? { time: previous.time } : {}), set: appliedSet });
  if (!entry.subresource) delete managed.get(id)!.subresource;

  const result = previous && !previous.set.isEmpty() ? prune(merged, managed, previous.set, schema) : merged;
  updateManagers(before, result, schema, managed, id, opts.force);

  const mine = managed.get(id)!;
  const owned = mine.set.difference(strippedFields);
  if (owned.isEmpty()) managed.delete(id);
  else {
    mine.set = owned;
    if (!deepEqual(before, result)) mine.time = opts.now;
  }

  const out = result as KubeObject;
  if (!out.metadata) out.metadata = {};
  const encoded = encodeManagedFields(managed);
  if (encoded) out.metadata.managedFields = encoded;
  else delete out.metadata.managedFields;
  return out;
}

/**
 * Removes from the merged object what the applier owned last time and no longer applies, keeping
 * whatever any manager (the applier's new configuration included) still owns, and fields nobody
 * owns that merely sit under a removed one's parent (upstream's prune, addBackOwnedItems and
 * addBackDanglingItems).
 */
function prune(merged: Record<string, unknown>, managed: ManagedFields, lastSet: FieldSet, schema: SchemaNode | undefined): Record<string, unknown> {
  const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, schema);
  const setOf = (o: unknown): FieldSet => ensure(fieldSetFromObject(o as Record<string, unknown>, schema));
  const last = ensure(lastSet);
  const mergedSet = setOf(merged);
  let owned: FieldSet | undefined;
  for (const m of managed.values()) owned = owned ? owned.union(m.set) : m.set;
  const withoutLast = removeItems(merged, last, schema);
  const unowned = mergedSet.difference(setOf(withoutLast).union(ensure(owned!)));
  const ownedKept = removeItems(merged, unowned, schema);
  const drop = mergedSet.difference(setOf(ownedKept)).intersection(last);
  return removeItems(merged, drop, schema) as Record<string, unknown>;
}
