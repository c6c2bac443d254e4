import { isPlainObject, labelSelectorFromObject, type KubeObject, type LabelSelector } from '../../api/index.js';
import { rbacGroup, rulesOf, sameRule, type PolicyRule } from './policy-rule.js';
import type { RbacLister } from './rbac-authorizer.js';

/** Writes the aggregated rules of one ClusterRole (an update of its `rules`). */
export type AggregatedRulesWriter = (name: string, rules: PolicyRule[]) => Promise<void>;

function selectorsOf(role: KubeObject): LabelSelector[] | undefined {
  const rule = role.aggregationRule;
  if (!isPlainObject(rule) || !Array.isArray(rule.clusterRoleSelectors)) return undefined;
  return rule.clusterRoleSelectors.map(labelSelectorFromObject);
}

/**
 * The rules an aggregated ClusterRole gets from the others, as the clusterrole-aggregation controller
 * computes them: for each selector in turn, the selected roles by name (never itself), each rule once.
 * `rulesByName` gives the current rules of every role (which may be aggregated themselves).
 */
function aggregate(role: KubeObject, selectors: LabelSelector[], roles: readonly KubeObject[], rulesByName: Map<string, PolicyRule[]>): PolicyRule[] {
  const out: PolicyRule[] = [];
  const self = role.metadata.name ?? '';
  for (const selector of selectors) {
    const selected = roles.filter((r) => r.metadata.name !== self && selector.matches(r.metadata.labels));
    selected.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    for (const r of selected) {
      for (const rule of rulesByName.get(r.metadata.name ?? '') ?? []) {
        if (!out.some((existing) => sameRule(existing, rule))) out.push(rule);
      }
    }
  }
  return out;
}

/**
 * The rules every aggregated ClusterRole should hold once aggregation settles: roles that aggregate
 * aggregated roles (admin gathers edit, which gathers view) are recomputed until nothing changes, so one
 * call reaches what the upstream controller reaches over several passes. Only roles with an
 * aggregationRule appear in the result.
 */
export function aggregatedRules(clusterRoles: readonly KubeObject[]): Map<string, PolicyRule[]> {
  const rulesByName = new Map<string, PolicyRule[]>();
  for (const r of clusterRoles) rulesByName.set(r.metadata.name ?? '', rulesOf(r));
  const aggregated = clusterRoles.flatMap((r) => {
    const selectors = selectorsOf(r);
    return selectors ? [{ role: r, selectors }] : [];
  });
  const result = new Map<string, PolicyRule[]>();
  // Each pass settles at least one more level of nesting; roles that gather each other in a cycle might
  // never settle, so the passes are bounded.
  for (let pass = 0; pass <= aggregated.length; pass++) {
    let changed = false;
    for (const { role, selectors } of aggregated) {
      const name = role.metadata.name ?? '';
      const rules = aggregate(role, selectors, clusterRoles, rulesByName);
      if (!sameRules(rules, rulesByName.get(name) ?? [])) changed = true;
      rulesByName.set(name, rules);
      result.set(name, rules);
    }
    if (!changed) break;
  }
  return result;
}

/**
 * Brings every aggregated ClusterRole's rules up to date, writing only those that differ from what is
 * stored. Call it after any ClusterRole is created, updated or deleted (the writes it makes are ClusterRole
 * updates too; the second call then finds nothing to write). Returns the names written.
 */
export async function aggregateClusterRoles(source: readonly KubeObject[] | RbacLister, write: AggregatedRulesWriter): Promise<string[]> {
  const roles = typeof source === 'function' ? source(rbacGroup, 'clusterroles') : source;
  const written: string[] = [];
  const stored = new Map(roles.map((r) => [r.metadata.name ?? '', r]));
  for (const [name, rules] of aggregatedRules(roles)) {
    const current = stored.get(name);
    if (current && sameRules(rulesOf(current), rules)) continue;
    await write(name, rules);
    written.push(name);
  }
  return written;
}

function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => sameRule(r, b[i]));
}
