import { field, type FieldError } from '../../errors.js';
import { deepEqual, isPlainObject, type KubeObject } from '../../object.js';
import { arr, rec, str } from '../../validation/json-access.js';
import { dns1123Subdomain, pathSegmentName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

/** The API group of roles and bindings; also the only group a roleRef or a User/Group subject may name. */
export const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * RBAC names are checked only as path segments (no `/`, `%`, `.` or `..`): role names such as
 * `system:controller:deployment-controller` must stay valid.
 */
export const rbacName = (name: string): string[] => pathSegmentName(name);

export function validateRbacMeta(obj: KubeObject, namespaced: boolean): FieldError[] {
  return validateObjectMeta(obj, namespaced, rbacName);
}

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** One rule of a Role (namespaced) or ClusterRole, with upstream's paths and messages. */
export function validatePolicyRule(rule: unknown, namespaced: boolean, path: string): FieldError[] {
  const r = rec(rule) ?? {};
  const errs: FieldError[] = [];
  if (!nonEmpty(r.verbs)) errs.push(field.required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (nonEmpty(r.nonResourceURLs)) {
    if (namespaced) errs.push(field.invalid(`${path}.nonResourceURLs`, r.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'));
    if (nonEmpty(r.apiGroups) || nonEmpty(r.resources) || nonEmpty(r.resourceNames)) {
      errs.push(field.invalid(`${path}.nonResourceURLs`, r.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (!nonEmpty(r.apiGroups)) errs.push(field.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  // resourceNames without resources land here too: a name means nothing without the resource it names.
  if (!nonEmpty(r.resources)) errs.push(field.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(obj.rules).forEach((rule, i) => errs.push(...validatePolicyRule(rule, namespaced, `rules[${i}]`)));
  return errs;
}

/** A binding's roleRef: this group, a kind the binding may reference, and a name. */
export function validateRoleRef(ref: unknown, kinds: string[]): FieldError[] {
  const r = rec(ref) ?? {};
  const errs: FieldError[] = [];
  const group = str(r.apiGroup);
  if (group !== rbacGroup) errs.push(field.notSupported('roleRef.apiGroup', group, [rbacGroup]));
  const kind = str(r.kind);
  if (!kinds.includes(kind)) errs.push(field.notSupported('roleRef.kind', kind, kinds));
  const name = str(r.name);
  if (name === '') errs.push(field.required('roleRef.name'));
  else for (const m of rbacName(name)) errs.push(field.invalid('roleRef.name', name, m));
  return errs;
}

/** One subject; in a ClusterRoleBinding a ServiceAccount must say its namespace. */
export function validateSubject(subject: unknown, namespaced: boolean, path: string): FieldError[] {
  const s = rec(subject) ?? {};
  const errs: FieldError[] = [];
  const name = str(s.name);
  const group = str(s.apiGroup);
  if (name === '') errs.push(field.required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const m of dns1123Subdomain(name)) errs.push(field.invalid(`${path}.name`, name, m));
      if (group !== '') errs.push(field.notSupported(`${path}.apiGroup`, group, ['']));
      if (!namespaced && str(s.namespace) === '') errs.push(field.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (group !== rbacGroup) errs.push(field.notSupported(`${path}.apiGroup`, group, [rbacGroup]));
      break;
    default:
      errs.push(field.notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs = validateRbacMeta(obj, namespaced);
  errs.push(...validateRoleRef(obj.roleRef, namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']));
  arr(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

/** A binding may not be re-pointed at another role: its grant would change under the same name. */
export function validateBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(roleRefOf(obj), roleRefOf(old))) errs.push(field.invalid('roleRef', obj.roleRef, 'cannot change roleRef'));
  return errs;
}

function roleRefOf(obj: KubeObject): { apiGroup: string; kind: string; name: string } {
  const r = rec(obj.roleRef) ?? {};
  return { apiGroup: str(r.apiGroup), kind: str(r.kind), name: str(r.name) };
}

/** v1 defaulting: roleRef.apiGroup, and the apiGroup of User and Group subjects. */
export function defaultBinding(obj: KubeObject): void {
  if (isPlainObject(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = rbacGroup;
  for (const s of arr(obj.subjects)) {
    if (!isPlainObject(s) || s.apiGroup) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = rbacGroup;
  }
}
