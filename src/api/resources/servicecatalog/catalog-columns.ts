import type { PrinterColumn } from '../../resource.js';
import { getPath } from '../../object.js';
import { ageColumn } from '../../validation/workload-columns.js';

/** A string column read from one path, as the catalog's CRDs declared theirs (JSONPath columns). */
export function pathColumn(name: string, path: readonly string[], description: string): PrinterColumn {
  return {
    name,
    type: 'string',
    description,
    priority: 0,
    cell: (obj) => {
      const v = getPath(obj, path);
      return v === undefined || v === null ? null : String(v);
    },
  };
}

/** STATUS: the reason of the most recent condition (`status.lastConditionState`). */
export const statusColumn = pathColumn('Status', ['status', 'lastConditionState'], 'The reason of the most recent condition.');

export { ageColumn };
