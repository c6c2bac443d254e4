import { isPlainObject, type KubeObject } from '../../api/index.js';

/** rbac.authorization.k8s.io/v1 PolicyRule; absent lists are empty (Go's nil). */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export const rbacGroup = 'rbac.authorization.k8s.io';
/** The group kube-apiserver lets do anything, whatever RBAC says (its loopback and admin identity). */
export const privilegedGroup = 'system:masters';

function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const s of v) if (typeof s === 'string') out.push(s);
  return out;
}

/** A rule read loosely from JSON, fields in upstream's order, empty lists left out. */
export function policyRuleOf(v: unknown): PolicyRule {
  const r = isPlainObject(v) ? v : {};
  const rule: PolicyRule = { verbs: strings(r.verbs) };
  const apiGroups = strings(r.apiGroups);
  const resources = strings(r.resources);
  const resourceNames = strings(r.resourceNames);
  const nonResourceURLs = strings(r.nonResourceURLs);
  if (apiGroups.length > 0) rule.apiGroups = apiGroups;
  if (resources.length > 0) rule.resources = resources;
  if (resourceNames.length > 0) rule.resourceNames = resourceNames;
  if (nonResourceURLs.length > 0) rule.nonResourceURLs = nonResourceURLs;
  return rule;
}

/** The rules of a Role or ClusterRole. */
export function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? role.rules.map(policyRuleOf) : [];
}

export function roleRefOf(binding: KubeObject): RoleRef {
  const r = isPlainObject(binding.roleRef) ? binding.roleRef : {};
  return {
    apiGroup: typeof r.apiGroup === 'string' ? r.apiGroup : '',
    kind: typeof r.kind === 'string' ? r.kind : '',
    name: typeof r.name === 'string' ? r.name : '',
  };
}

export function subjectsOf(binding: KubeObject): Subject[] {
  if (!Array.isArray(binding.subjects)) return [];
  const out: Subject[] = [];
  for (const s of binding.subjects) {
    if (!isPlainObject(s)) continue;
    const subject: Subject = { kind: typeof s.kind === 'string' ? s.kind : '', name: typeof s.name === 'string' ? s.name : '' };
    if (typeof s.apiGroup === 'string') subject.apiGroup = s.apiGroup;
    if (typeof s.namespace === 'string' && s.namespace !== '') subject.namespace = s.namespace;
    out.push(subject);
  }
  return out;
}

/** Two rules grant the same thing (nil and empty lists are equal, order within a list matters, as Go's semantic equality). */
export function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  return (
    sameList(a.verbs, b.verbs) &&
    sameList(a.apiGroups, b.apiGroups) &&
    sameList(a.resources, b.resources) &&
    sameList(a.resourceNames, b.resourceNames) &&
    sameList(a.nonResourceURLs, b.nonResourceURLs)
  );
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The username Kubernetes gives a ServiceAccount's tokens. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
