import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import type { PrinterColumn } from '../../resource.js';
import { arr, rec, str } from '../../validation/json-access.js';

type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

/** The subjects of one kind joined by ", " (ServiceAccounts as `namespace/name`), as rbac.SubjectsStrings lists them. */
function subjectsOfKind(obj: KubeObject, kind: SubjectKind): string {
  const out: string[] = [];
  for (const s of arr(obj.subjects)) {
    const subject = rec(s);
    if (!subject || subject.kind !== kind) continue;
    out.push(kind === 'ServiceAccount' ? `${str(subject.namespace)}/${str(subject.name)}` : str(subject.name));
  }
  return out.join(', ');
}

const roleRefDescription =
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.';

/** ROLE, AGE, and in `-o wide` USERS, GROUPS, SERVICEACCOUNTS: the columns of both binding kinds. */
export const bindingColumns: PrinterColumn[] = [
  {
    name: 'Role',
    type: 'string',
    description: roleRefDescription,
    priority: 0,
    cell: (obj) => {
      const ref = rec(obj.roleRef) ?? {};
      return `${str(ref.kind)}/${str(ref.name)}`;
    },
  },
  ageColumn(),
  { name: 'Users', type: 'string', description: 'Users in the roleBinding', priority: 1, cell: (obj) => subjectsOfKind(obj, 'User') },
  { name: 'Groups', type: 'string', description: 'Groups in the roleBinding', priority: 1, cell: (obj) => subjectsOfKind(obj, 'Group') },
  {
    name: 'ServiceAccounts',
    type: 'string',
    description: 'ServiceAccounts in the roleBinding',
    priority: 1,
    cell: (obj) => subjectsOfKind(obj, 'ServiceAccount'),
  },
];
