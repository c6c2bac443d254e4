import type { SchemaNode } from '../../api/schema.js';
import type { CompareOptions } from './compare.js';
import type { ManagedFields } from './managed-fields.js';
import { capUpdateManagers, managerId, strippedFields } from './managed-fields.js';
import { updateManagers } from './update-managers.js';

export interface UpdateIdentity {
  manager: string;
  apiVersion: string;
  subresource?: string;
}

/**
 * Records a non-apply write in `managed`: the fields it changed leave every other entry (and any
 * earlier entry of this manager, which then takes them back) and join this manager's Update entry,
 * whose time is refreshed only when it took something. Throws TypedErrors for unkeyable lists.
 */
export function recordUpdate(oldObj: unknown, newObj: unknown, schema: SchemaNode | undefined, managed: ManagedFields, who: UpdateIdentity, now: string, compare?: CompareOptions): void {
  // No stored entry has this id, so the writer's own earlier entry is treated like any other.
  const cmp = updateManagers(oldObj, newObj, schema, managed, '', true, compare);
  // A create only adds; skip copying the whole set through a union with nothing.
  const changed = cmp.modified.isEmpty() ? cmp.added : cmp.added.isEmpty() ? cmp.modified : cmp.modified.union(cmp.added);
  const taken = changed.difference(strippedFields);
  if (taken.isEmpty()) return;
  const entry = { manager: who.manager || 'unknown', operation: 'Update' as const, apiVersion: who.apiVersion, subresource: who.subresource };
  const id = managerId(entry);
  const previous = managed.get(id);
  const m = { ...entry, set: previous ? taken.union(previous.set) : taken, time: now };
  if (!m.subresource) delete m.subresource;
  managed.set(id, m);
  capUpdateManagers(managed);
}
