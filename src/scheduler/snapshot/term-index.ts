import type { NodeInfo } from './node-info.js';
import type { AffinityTerm, PodInfo } from './pod-info.js';
import { addCount } from './pod-counter.js';

/** Identical terms of existing pods, grouped: how many pods carry the term in each topology domain. */
export interface TermGroup {
  readonly term: AffinityTerm;
  /** 1 for required terms; the term's weight for preferred ones. */
  readonly weight: number;
  /** Value of term.topologyKey on the pods' nodes -> number of pods there carrying the term. */
  readonly counts: Map<string, number>;
  /** Pods carrying the term, whatever their node's labels. */
  pods: number;
}

export type TermKind = 'requiredAffinity' | 'requiredAntiAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';

/**
 * The symmetric side of inter-pod affinity: existing pods' terms, grouped by identical term. A new pod
 * is checked against each distinct term once (does it match? then which domains are blocked or scored),
 * not against every existing pod.
 */
export class TermIndex {
  readonly groups: Record<TermKind, Map<string, TermGroup>> = {
    requiredAffinity: new Map(),
    requiredAntiAffinity: new Map(),
    preferredAffinity: new Map(),
    preferredAntiAffinity: new Map(),
  };

  apply(pod: PodInfo, node: NodeInfo, sign: 1 | -1, labels: Readonly<Record<string, string>> = node.labels): void {
    if (!pod.hasAffinity) return;
    this.applyTerms('requiredAffinity', pod.requiredAffinityTerms, labels, sign);
    this.applyTerms('requiredAntiAffinity', pod.requiredAntiAffinityTerms, labels, sign);
    this.applyTerms('preferredAffinity', pod.preferredAffinityTerms, labels, sign);
    this.applyTerms('preferredAntiAffinity', pod.preferredAntiAffinityTerms, labels, sign);
  }

  private applyTerms(
    kind: TermKind,
    terms: readonly (AffinityTerm & { weight?: number })[],
    labels: Readonly<Record<string, string>>,
    sign: 1 | -1,
  ): void {
    const groups = this.groups[kind];
    for (const t of terms) {
      const weight = t.weight ?? 1;
      if (weight === 0) continue;
      const gk = weight === 1 ? t.key : `${t.key}\u0005${weight}`;
      let g = groups.get(gk);
      if (!g) {
        if (sign < 0) continue;
        groups.set(gk, (g = { term: t, weight, counts: new Map(), pods: 0 }));
      }
      g.pods += sign;
      const v = labels[t.topologyKey];
      if (v !== undefined) addCount(g.counts, v, sign);
      if (g.pods <= 0) groups.delete(gk);
    }
  }
}
