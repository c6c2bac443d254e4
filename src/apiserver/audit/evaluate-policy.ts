import type { AuthorizationAttributes } from '../request-context.js';
import type { AuditLevel, AuditPolicy, AuditPolicyRule, AuditStage } from './types.js';

/** What the policy decides for one request. */
export interface RequestAuditConfig {
  level: AuditLevel;
  /** The rule's stages joined with the policy's. */
  omitStages: readonly AuditStage[];
  omitManagedFields: boolean;
}

/**
 * The first rule that selects the request decides its level; a request no rule selects is not audited.
 * This is Kubernetes' policy checker, so a policy file behaves in Wharf as it does in kube-apiserver.
 */
export function evaluatePolicy(policy: AuditPolicy, attrs: AuthorizationAttributes): RequestAuditConfig {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, attrs)) {
      return {
        level: rule.level,
        omitStages: unionStages(policy.omitStages, rule.omitStages),
        omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
      };
    }
  }
  return { level: 'None', omitStages: policy.omitStages ?? [], omitManagedFields: policy.omitManagedFields ?? false };
}

function unionStages(a: readonly AuditStage[] = [], b: readonly AuditStage[] = []): AuditStage[] {
  return [...new Set([...a, ...b])];
}

function nonEmpty<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

export function ruleMatches(rule: AuditPolicyRule, attrs: AuthorizationAttributes): boolean {
  if (nonEmpty(rule.users) && !rule.users.includes(attrs.user.username)) return false;
  if (nonEmpty(rule.userGroups) && !attrs.user.groups.some((g) => rule.userGroups!.includes(g))) return false;
  if (nonEmpty(rule.verbs) && !rule.verbs.includes(attrs.verb)) return false;
  if (nonEmpty(rule.namespaces) || nonEmpty(rule.resources)) return matchesResource(rule, attrs);
  if (nonEmpty(rule.nonResourceURLs)) return !attrs.resourceRequest && rule.nonResourceURLs.some((spec) => pathMatches(attrs.path ?? '', spec));
  return true;
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function matchesResource(rule: AuditPolicyRule, attrs: AuthorizationAttributes): boolean {
  if (!attrs.resourceRequest) return false;
  // Cluster-scoped resources have the namespace '' in a rule.
  if (nonEmpty(rule.namespaces) && !rule.namespaces.includes(attrs.namespace ?? '')) return false;
  if (!nonEmpty(rule.resources)) return true;
  const group = attrs.apiGroup ?? '';
  const resource = attrs.resource ?? '';
  const subresource = attrs.subresource ?? '';
  const combined = subresource ? `${resource}/${subresource}` : resource;
  const name = attrs.name ?? '';
  for (const gr of rule.resources) {
    if ((gr.group ?? '') !== group) continue;
    if (!nonEmpty(gr.resources)) return true;
    if (nonEmpty(gr.resourceNames) && !gr.resourceNames.includes(name)) continue;
    for (const spec of gr.resources) {
      if (spec === '*' || spec === combined) return true;
      if (subresource && spec.startsWith('*/') && spec.slice(2) === subresource) return true;
      if (spec.endsWith('/*') && spec.slice(0, -2) === resource) return true;
    }
  }
  return false;
}
