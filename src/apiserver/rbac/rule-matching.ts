import type { AuthorizationAttributes } from '../request-context.js';
import type { PolicyRule } from './policy-rule.js';

/**
 * A PolicyRule prepared for matching: the `*` wildcards found once, so a check is a few array scans with
 * no allocation.
 */
export interface CompiledRule {
  readonly rule: PolicyRule;
  readonly anyVerb: boolean;
  readonly verbs: readonly string[];
  readonly anyGroup: boolean;
  readonly apiGroups: readonly string[];
  readonly anyResource: boolean;
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly anyURL: boolean;
  readonly nonResourceURLs: readonly string[];
}

const none: readonly string[] = [];

export function compileRule(rule: PolicyRule): CompiledRule {
  const verbs = rule.verbs ?? none;
  const apiGroups = rule.apiGroups ?? none;
  const resources = rule.resources ?? none;
  const nonResourceURLs = rule.nonResourceURLs ?? none;
  return {
    rule,
    anyVerb: verbs.includes('*'),
    verbs,
    anyGroup: apiGroups.includes('*'),
    apiGroups,
    anyResource: resources.includes('*'),
    resources,
    resourceNames: rule.resourceNames ?? none,
    anyURL: nonResourceURLs.includes('*'),
    nonResourceURLs,
  };
}

/**
 * Whether one rule grants the request, as Kubernetes' RuleAllows: verb, API group, resource (`pods`,
 * `pods/log`, or a wildcard resource with the subresource) and resource name for resource requests; verb and
 * path (exact, or a prefix ending in `*`) otherwise. A rule with resourceNames matches only requests that
 * name one of them, so it never matches a create, nor a list or watch without a `metadata.name` field
 * selector, which carry no name.
 */
export function ruleAllows(a: AuthorizationAttributes, r: CompiledRule): boolean {
  if (!r.anyVerb && !r.verbs.includes(a.verb)) return false;
  if (!a.resourceRequest) return urlMatches(r, a.path ?? '');
  if (!r.anyGroup && !r.apiGroups.includes(a.apiGroup ?? '')) return false;
  if (!r.anyResource && !resourceMatches(r.resources, a.resource ?? '', a.subresource ?? '')) return false;
  return r.resourceNames.length === 0 || r.resourceNames.includes(a.name ?? '');
}

function resourceMatches(resources: readonly string[], resource: string, subresource: string): boolean {
  for (const candidate of resources) {
    if (subresource === '') {
      if (candidate === resource) return true;
      continue;
    }
    // `pods/log` without building the combined string.
    if (
      candidate.length === resource.length + 1 + subresource.length &&
      candidate.startsWith(resource) &&
      candidate.charCodeAt(resource.length) === 47 &&
      candidate.endsWith(subresource)
    ) {
      return true;
    }
    if (candidate.length === subresource.length + 2 && candidate.startsWith('*/') && candidate.endsWith(subresource)) return true;
  }
  return false;
}

function urlMatches(r: CompiledRule, path: string): boolean {
  if (r.anyURL) return true;
  for (const url of r.nonResourceURLs) {
    if (url === path) return true;
    if (url.endsWith('*') && path.startsWith(trimStars(url))) return true;
  }
  return false;
}

/** The prefix of a `/apis/*` pattern: every trailing `*` removed, as Go's TrimRight does. */
function trimStars(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 42) end--;
  return url.slice(0, end);
}
