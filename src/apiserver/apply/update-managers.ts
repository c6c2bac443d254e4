import type { SchemaNode } from '../../api/schema.js';
import type { CompareOptions, Comparison } from './compare.js';
import { compareObjects } from './compare.js';
import type { Conflict } from './conflict-error.js';
import { conflictError } from './conflict-error.js';
import type { ManagedFields } from './managed-fields.js';

/**
 * The shared step of every write (upstream's Updater.update): compares the old and new object, takes
 * the changed fields away from every manager but `self`, and drops the fields that disappeared. With
 * `force` false a change to another manager's field is a conflict and nothing is changed.
 */
export function updateManagers(
  oldObj: unknown,
  newObj: unknown,
  schema: SchemaNode | undefined,
  managed: ManagedFields,
  self: string,
  force: boolean,
  compare?: CompareOptions,
): Comparison {
  const cmp = compareObjects(oldObj, newObj, schema, compare);
  const changed = cmp.modified.union(cmp.added);
  const ids = [...managed.keys()].filter((id) => id !== self).sort();
  // With force the conflicts would be dropped anyway, so they are only collected without it.
  if (!force) {
    const conflicts: Conflict[] = [];
    for (const id of ids) {
      const m = managed.get(id)!;
      const taken = m.set.intersection(changed);
      for (const path of taken.paths()) conflicts.push({ manager: m, path });
    }
    if (conflicts.length > 0) throw conflictError(conflicts);
  }
  for (const id of ids) {
    const m = managed.get(id)!;
    const set = m.set.difference(changed).difference(cmp.removed);
    if (set.isEmpty()) managed.delete(id);
    else if (set !== m.set) managed.set(id, { ...m, set });
  }
  return cmp;
}
