import { StatusError } from '../../api/errors.js';
import type { FieldPath } from './path-element.js';
import { pathString } from './path-element.js';
import type { ManagerFields } from './managed-fields.js';

export interface Conflict {
  manager: ManagerFields;
  path: FieldPath;
}

/** How kube-apiserver names a manager in conflicts: `"kubectl" with subresource "scale" using apps/v1`. */
export function describeManager(m: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** The 409 an apply gets when it would change fields another manager owns. */
export function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const lines: string[] = [];
    let last: ManagerFields | undefined;
    for (const c of conflicts) {
      if (c.manager !== last) lines.push(`conflicts with ${describeManager(c.manager)}:`);
      last = c.manager;
      lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
