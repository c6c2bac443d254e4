import { deepEqual, forbidden, isPlainObject, notFound, StatusError, type KubeObject } from '../../api/index.js';
import type { UserInfo } from '../request-context.js';
import { privilegedGroup, rbacGroup, roleRefOf, rulesOf, type PolicyRule, type RoleRef } from './policy-rule.js';
import { aggregateMessage, type RbacAuthorizer } from './rbac-authorizer.js';

export interface EscalationAttributes {
  user: UserInfo;
  /** The namespace of the Role or RoleBinding being written; '' for cluster-scoped objects. */
  namespace: string;
  /** The rules being granted. */
  rules: readonly PolicyRule[];
}

const q = (s: string): string => JSON.stringify(s);
/** Go's %q of a []string: `["a" "b"]`. */
const qList = (list: readonly string[]): string => `[${list.map(q).join(' ')}]`;

/** `*` on everything: what setting an aggregationRule requires, since it can gather any rule. */
const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/**
 * Whether the user already holds every rule it is granting, as Kubernetes' ConfirmNoEscalation: undefined
 * when it does (or is in `system:masters`), otherwise upstream's message listing the missing rules.
 */
export function checkEscalation(a: EscalationAttributes, authorizer: RbacAuthorizer): string | undefined {
  if (a.user.groups.includes(privilegedGroup)) return undefined;
  const owned = authorizer.rulesFor(a.user, a.namespace);
  const missing = uncoveredRules(owned.rules, a.rules);
  if (missing.length === 0) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${q(a.user.username)} (groups=${qList(a.user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (owned.errors.length > 0) msg += `; resolution errors: [${aggregateMessage(owned.errors)}]`;
  return msg;
}

export interface RbacWrite {
  user: UserInfo;
  /** The Role, ClusterRole, RoleBinding or ClusterRoleBinding being created or updated (after defaulting). */
  object: KubeObject;
  /** The stored object, on updates. */
  old?: KubeObject;
}

/**
 * The escalation check of a write to an RBAC object, as kube-apiserver's RBAC storage makes it: a role may
 * be written by someone who holds all its rules or may `escalate` it; a binding by someone who may `bind`
 * its role or holds all the role's rules; `system:masters` always; updates that touch only ownerReferences
 * and finalizers always. Returns the 403 (or 404 for a binding to a missing role) to answer, or undefined.
 */
export function checkRbacWrite(w: RbacWrite, authorizer: RbacAuthorizer): StatusError | undefined {
  if (w.user.groups.includes(privilegedGroup)) return undefined;
  const obj = w.object;
  const name = obj.metadata.name ?? '';
  const namespace = obj.metadata.namespace ?? '';
  switch (obj.kind) {
    case 'Role':
    case 'ClusterRole': {
      const resource = obj.kind === 'Role' ? 'roles' : 'clusterroles';
      if (mayEscalate(w.user, resource, name, namespace, authorizer)) return undefined;
      if (w.old && onlyGarbageCollectionFields(obj, w.old)) return undefined;
      const msg = checkEscalation({ user: w.user, namespace, rules: rulesOf(obj) }, authorizer);
      if (msg) return forbidden({ group: rbacGroup, resource }, name, msg);
      if (obj.kind === 'ClusterRole' && (hasAggregationRule(obj) || (w.old !== undefined && hasAggregationRule(w.old)))) {
        if (checkEscalation({ user: w.user, namespace: '', rules: fullAuthority }, authorizer)) {
          return forbidden({ group: rbacGroup, resource }, name, 'must have cluster-admin privileges to use the aggregationRule');
        }
      }
      return undefined;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const resource = obj.kind === 'RoleBinding' ? 'rolebindings' : 'clusterrolebindings';
      if (w.old && onlyGarbageCollectionFields(obj, w.old)) return undefined;
      const ref = roleRefOf(obj);
      if (mayBind(w.user, ref, namespace, authorizer)) return undefined;
      const found = authorizer.roleReferenceRules(ref, namespace);
      if ('error' in found) {
        if (found.notFound) return notFound({ group: rbacGroup, resource: ref.kind === 'Role' ? 'roles' : 'clusterroles' }, ref.name);
        return forbidden({ group: rbacGroup, resource }, name, found.error);
      }
      const msg = checkEscalation({ user: w.user, namespace, rules: found.rules }, authorizer);
      return msg ? forbidden({ group: rbacGroup, resource }, name, msg) : undefined;
    }
    default:
      return undefined;
  }
}

function mayEscalate(user: UserInfo, resource: string, name: string, namespace: string, authorizer: RbacAuthorizer): boolean {
  const d = authorizer.authorize({
    user,
    verb: 'escalate',
    resourceRequest: true,
    apiGroup: rbacGroup,
    apiVersion: '*',
    resource,
    name,
    namespace,
  });
  return d.decision === 'allow';
}

/** `bind` on the referenced role, checked in the binding's namespace so it can be delegated per namespace. */
function mayBind(user: UserInfo, ref: RoleRef, namespace: string, authorizer: RbacAuthorizer): boolean {
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return false;
  const d = authorizer.authorize({
    user,
    verb: 'bind',
    resourceRequest: true,
    apiGroup: ref.apiGroup,
    resource: ref.kind === 'Role' ? 'roles' : 'clusterroles',
    name: ref.name,
    namespace,
  });
  return d.decision === 'allow';
}

function hasAggregationRule(obj: KubeObject): boolean {
  const rule = obj.aggregationRule;
  return isPlainObject(rule) && Array.isArray(rule.clusterRoleSelectors) && rule.clusterRoleSelectors.length > 0;
}

/** True when an update changes nothing but what the garbage collector writes to let an object go. */
function onlyGarbageCollectionFields(obj: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, generation: _g, ...meta } = o.metadata;
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(obj), strip(old));
}

/**
 * The parts of `wanted` that `owned` does not cover, each broken down to one verb, group, resource and
 * name (or one verb and URL), as upstream's Covers.
 */
export function uncoveredRules(owned: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  const missing: PolicyRule[] = [];
  for (const rule of wanted) {
    for (const sub of breakdownRule(rule)) {
      if (!owned.some((o) => ruleCovers(o, sub))) missing.push(sub);
    }
  }
  return missing;
}

function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames && rule.resourceNames.length > 0) {
          for (const n of rule.resourceNames) out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [n] });
        } else {
          out.push({ verbs: [verb], apiGroups: [group], resources: [resource] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  return out;
}

const hasAll = (set: readonly string[], wanted: readonly string[]): boolean => wanted.every((w) => set.includes(w));

function resourcesCover(owned: readonly string[], wanted: readonly string[]): boolean {
  if (owned.includes('*') || hasAll(owned, wanted)) return true;
  for (const path of wanted) {
    if (owned.includes(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!owned.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function urlCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  return (
    (owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs)) &&
    ((owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups ?? [], sub.apiGroups ?? [])) &&
    resourcesCover(owner.resources ?? [], sub.resources ?? []) &&
    (sub.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => urlCovers(o, p))) &&
    (subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames))
  );
}

/** Upstream's CompactRules: rules of one group and resource (and at most one name) that differ only by verb become one. */
function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const names = r.resourceNames ?? [];
    const isSimple = names.length <= 1 && (r.nonResourceURLs ?? []).length === 0 && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], names[0] ?? null]);
    const existing = simple.get(key);
    if (!existing) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const v of r.verbs) if (!existing.verbs.includes(v)) existing.verbs.push(v);
  }
  return [...out, ...simple.values()];
}

/** Upstream's CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${qList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${qList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${qList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${qList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${qList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}
