import type { ClusterObjects } from '../../snapshot/cluster-objects.js';
import { selectorKey, termMatches, type AffinityTerm, type PodInfo, type WeightedAffinityTerm } from '../../snapshot/pod-info.js';

const NO_LABELS: Readonly<Record<string, string>> = {};

/**
 * The incoming pod's term with a non-empty namespaceSelector resolved into namespace names (upstream
 * mergeAffinityTermNamespacesIfNotEmpty), so existing pods are matched by name without namespace labels.
 * An empty namespaceSelector ({}) selects every namespace and is kept.
 */
export function mergeNamespaces<T extends AffinityTerm>(term: T, objects: ClusterObjects): T {
  const sel = term.namespaceSelector;
  if (sel === null || sel.empty) return term;
  const namespaces = new Set(term.namespaces);
  for (const ns of objects.list('Namespace')) if (sel.matches(ns.metadata?.labels ?? {})) namespaces.add(ns.metadata?.name ?? '');
  const key = [[...namespaces].sort().join(','), selectorKey(null), selectorKey(term.selector), term.topologyKey].join('\u0004');
  return { ...term, namespaces, namespaceSelector: null, key };
}

/** Whether `pod` matches a term whose namespaces were merged (no namespace labels needed). */
export function matchesMerged(term: AffinityTerm, pod: PodInfo): boolean {
  return termMatches(term, pod, NO_LABELS);
}

export function matchesAll(terms: readonly AffinityTerm[], pod: PodInfo): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!matchesMerged(t, pod)) return false;
  return true;
}

export type { AffinityTerm, WeightedAffinityTerm };
