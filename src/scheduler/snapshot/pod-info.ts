import type { Pod, PodAffinityTerm, Toleration, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { LabelSelector, labelSelectorFromObject, type Requirement } from '../../api/selectors/label-selector.js';
import { podRequests, type Resource } from './resource.js';

/**
 * A pod affinity term, processed once per pod: the namespaces it applies to, the label selector with
 * matchLabelKeys / mismatchLabelKeys folded in, and a canonical `key` so identical terms of many pods
 * share one index entry.
 */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  /** Null when the term has no namespaceSelector (it selects no namespace); empty selects every namespace. */
  namespaceSelector: LabelSelector | null;
  selector: LabelSelector;
  topologyKey: string;
  /** Canonical text of namespaces, namespaceSelector, selector and topologyKey. */
  key: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/**
 * Everything the scheduler derives from a pod object, computed once: requests, host ports, parsed
 * affinity terms, priority. Pod objects are treated as immutable; a changed pod is a new PodInfo.
 */
export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly priority: number;
  readonly requests: Resource;
  /** CPU and memory requests with 100m/200Mi substituted for containers naming none (for scoring). */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];
  /** True when the pod has any pod (anti-)affinity term. */
  readonly hasAffinity: boolean;
  readonly terminating: boolean;
  /** A selector that could not be parsed; the pod is reported unschedulable with it. */
  readonly parseError?: string;
}

/** The pod's key in the scheduler: its UID, or namespace/name for objects that have none (tests). */
export function podKey(pod: Pod): string {
  return pod.metadata?.uid || `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

function canonicalRequirements(reqs: readonly Requirement[]): string {
  return reqs
    .map((r) => `${r.key}\u0001${r.operator}\u0001${[...r.values].sort().join('\u0002')}`)
    .sort()
    .join('\u0003');
}

/** A stable text for a selector, equal for selectors that select the same way. */
export function selectorKey(s: LabelSelector | null): string {
  return s === null ? '<null>' : canonicalRequirements(s.requirements);
}

const validOperators = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Parses a metav1.LabelSelector object; throws on the shapes upstream's LabelSelectorAsSelector rejects. */
export function parseSelector(obj: unknown, what: string): LabelSelector {
  const sel = labelSelectorFromObject(obj);
  for (const r of sel.requirements) {
    if (!validOperators.has(r.operator)) throw new Error(`${what}: "${r.operator}" is not a valid label selector operator`);
    if ((r.operator === 'In' || r.operator === 'NotIn') && r.values.length === 0) {
      throw new Error(`${what}: for 'in', 'notin' operators, values set can't be empty`);
    }
  }
  return sel;
}

function newAffinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  let selector = parseSelector(t.labelSelector, 'labelSelector');
  const labels = pod.metadata?.labels ?? {};
  // matchLabelKeys / mismatchLabelKeys add `key in (v)` / `key notin (v)` with the pod's own values.
  const extra: Requirement[] = [];
  if (t.labelSelector) {
    for (const k of t.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]!] });
    for (const k of t.mismatchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  }
  if (extra.length) selector = new LabelSelector([...selector.requirements, ...extra]);
  const namespaces = new Set<string>();
  if ((t.namespaces?.length ?? 0) === 0 && t.namespaceSelector == null) namespaces.add(pod.metadata?.namespace ?? 'default');
  else for (const ns of t.namespaces ?? []) namespaces.add(ns);
  const namespaceSelector = t.namespaceSelector == null ? null : parseSelector(t.namespaceSelector, 'namespaceSelector');
  const key = [[...namespaces].sort().join(','), selectorKey(namespaceSelector), selectorKey(selector), t.topologyKey].join('\u0004');
  return { namespaces, namespaceSelector, selector, topologyKey: t.topologyKey, key };
}

function weighted(pod: Pod, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  const out: WeightedAffinityTerm[] = [];
  for (const w of terms ?? []) out.push({ ...newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight });
  return out;
}

/** One shared empty list: most pods have no host ports or affinity terms, and the scheduler holds a PodInfo per pod. */
const none: readonly never[] = Object.freeze([]);
const orNone = <T>(list: readonly T[]): readonly T[] => (list.length === 0 ? none : list);

const cache = new WeakMap<Pod, PodInfo>();

/** The PodInfo of a pod object, cached per object. */
export function podInfo(pod: Pod): PodInfo {
  let pi = cache.get(pod);
  if (!pi) {
    pi = buildPodInfo(pod);
    cache.set(pod, pi);
  }
  return pi;
}

function buildPodInfo(pod: Pod): PodInfo {
  const spec = pod.spec;
  const aff = spec?.affinity;
  let parseError: string | undefined;
  let requiredAffinityTerms: AffinityTerm[] = [];
  let requiredAntiAffinityTerms: AffinityTerm[] = [];
  let preferredAffinityTerms: WeightedAffinityTerm[] = [];
  let preferredAntiAffinityTerms: WeightedAffinityTerm[] = [];
  try {
    requiredAffinityTerms = (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t));
    requiredAntiAffinityTerms = (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      newAffinityTerm(pod, t),
    );
    preferredAffinityTerms = weighted(pod, aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    preferredAntiAffinityTerms = weighted(pod, aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  } catch (e) {
    parseError = (e as Error).message;
  }
  const hostPorts: HostPort[] = [];
  const addPorts = (ports: readonly { hostPort?: number; hostIP?: string; protocol?: string }[] | undefined) => {
    for (const p of ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  };
  for (const c of spec?.initContainers ?? []) if (c.restartPolicy === 'Always') addPorts(c.ports);
  for (const c of spec?.containers ?? []) addPorts(c.ports);
  const nonZero = podRequests(pod, true);
  return {
    pod,
    key: podKey(pod),
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    priority: podPriority(pod),
    requests: podRequests(pod),
    nonZeroMilliCPU: nonZero.milliCPU,
    nonZeroMemory: nonZero.memory,
    hostPorts: orNone(hostPorts),
    tolerations: spec?.tolerations ?? none,
    requiredAffinityTerms: orNone(requiredAffinityTerms),
    requiredAntiAffinityTerms: orNone(requiredAntiAffinityTerms),
    preferredAffinityTerms: orNone(preferredAffinityTerms),
    preferredAntiAffinityTerms: orNone(preferredAntiAffinityTerms),
    hasAffinity:
      requiredAffinityTerms.length + requiredAntiAffinityTerms.length + preferredAffinityTerms.length + preferredAntiAffinityTerms.length > 0,
    terminating: pod.metadata?.deletionTimestamp != null,
    parseError,
  };
}

/**
 * Whether `pod` matches the term: its namespace is one of the term's (or selected by the term's
 * namespaceSelector, checked against `nsLabels`), and its labels match the selector.
 */
export function termMatches(term: AffinityTerm, pod: PodInfo, nsLabels: Readonly<Record<string, string>> | undefined): boolean {
  if (term.namespaces.has(pod.namespace) || (term.namespaceSelector !== null && term.namespaceSelector.matches(nsLabels ?? {}))) {
    return term.selector.matches(pod.labels);
  }
  return false;
}
