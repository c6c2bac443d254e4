import type { StateData } from '../../framework/cycle-state.js';
import { addCount, type PodCounter } from '../../snapshot/pod-counter.js';
import type { NodeInfo } from '../../snapshot/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../../snapshot/pod-info.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { TermGroup } from '../../snapshot/term-index.js';
import { matchesAll, matchesMerged } from './terms.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

/** Counts a what-if pod adds to (or removes from) a topology pair, on top of the snapshot's counters. */
type Delta = Map<string, number>;

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

/**
 * What Filter needs, computed once per pod in PreFilter, mostly as references to the snapshot's live
 * counters (per-domain counts of pods matching the pod's terms; existing pods' anti-affinity terms the
 * pod matches, grouped by topology key). Preemption's what-ifs add deltas instead of copying counts.
 */
export class FilterState implements StateData {
  /** Distinct topology keys of the required affinity terms. */
  affinityKeys: string[] = [];
  affinityCounter: PodCounter | undefined;
  affinityDelta: Delta = new Map();
  /** True when no pod matching all affinity terms sits on a node carrying the topology keys. */
  affinityEmptyAtStart = true;
  selfMatchesAffinity = false;
  /** Per affinity topology key, the live domain counts of affinityCounter (same order as affinityKeys). */
  affinityCounts: ReadonlyMap<string, number>[] = [];
  /** `counts` is the counter's live per-domain map for the term's topology key. */
  antiTerms: { term: AffinityTerm; counter: PodCounter; counts: ReadonlyMap<string, number>; delta: Map<string, number> }[] = [];
  /** Existing pods' required anti-affinity groups matching the pod, by topology key. */
  existingAnti = new Map<string, TermGroup[]>();
  /** existingAnti as an array, for the per-node loop. */
  existingAntiList: { key: string; groups: TermGroup[] }[] = [];
  existingAntiDelta: Delta = new Map();

  constructor(
    readonly pod: PodInfo,
    readonly affinityTerms: readonly AffinityTerm[],
    readonly nsLabels: Readonly<Record<string, string>>,
    private readonly snapshot: Snapshot,
  ) {}

  clone(): FilterState {
    const c = Object.create(FilterState.prototype) as FilterState;
    Object.assign(c, this);
    c.affinityDelta = new Map(this.affinityDelta);
    c.existingAntiDelta = new Map(this.existingAntiDelta);
    c.antiTerms = this.antiTerms.map((t) => ({ ...t, delta: new Map(t.delta) }));
    return c;
  }

  private nodes() {
    return this.snapshot.nodes();
  }

  affinityCount(key: string, value: string): number {
    const base = this.affinityCounter!.domainCounts(key, this.nodes()).get(value) ?? 0;
    return this.affinityDelta.size === 0 ? base : base + (this.affinityDelta.get(pair(key, value)) ?? 0);
  }

  affinityEmpty(): boolean {
    if (this.affinityDelta.size === 0) return this.affinityEmptyAtStart;
    for (const key of this.affinityKeys) {
      const counts = this.affinityCounter!.domainCounts(key, this.nodes());
      for (const v of counts.keys()) if (this.affinityCount(key, v) > 0) return false;
    }
    for (const [p, d] of this.affinityDelta) {
      const [key, value] = p.split('\u0000') as [string, string];
      if (d > 0 && this.affinityCount(key, value) > 0) return false;
    }
    return true;
  }

  /** Applies a pod added (mult 1) or removed (mult -1) on `node` during a what-if. */
  update(other: PodInfo, node: NodeInfo, mult: 1 | -1): void {
    for (const t of other.requiredAntiAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined && termMatches(t, this.pod, this.nsLabels)) addCount(this.existingAntiDelta, pair(t.topologyKey, v), mult);
    }
    if (this.affinityTerms.length && matchesAll(this.affinityTerms, other)) {
      for (const t of this.affinityTerms) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined) addCount(this.affinityDelta, pair(t.topologyKey, v), mult);
      }
    }
    for (const a of this.antiTerms) {
      const v = node.labels[a.term.topologyKey];
      if (v !== undefined && matchesMerged(a.term, other)) addCount(a.delta, v, mult);
    }
  }

  satisfiesAffinity(node: NodeInfo): boolean {
    if (this.affinityKeys.length === 0) return true;
    let podsExist = true;
    const keys = this.affinityKeys;
    const noDelta = this.affinityDelta.size === 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const v = node.labels[key];
      if (v === undefined) return false;
      const n = noDelta ? (this.affinityCounts[i]!.get(v) ?? 0) : this.affinityCount(key, v);
      if (n <= 0) podsExist = false;
    }
    // The first pod of a group with affinity to itself may go anywhere that has the topology labels.
    return podsExist || (this.selfMatchesAffinity && this.affinityEmpty());
  }

  satisfiesAntiAffinity(node: NodeInfo): boolean {
    const terms = this.antiTerms;
    for (let i = 0; i < terms.length; i++) {
      const a = terms[i]!;
      const v = node.labels[a.term.topologyKey];
      if (v === undefined) continue;
      const n = (a.counts.get(v) ?? 0) + (a.delta.size ? (a.delta.get(v) ?? 0) : 0);
      if (n > 0) return false;
    }
    return true;
  }

  satisfiesExistingAntiAffinity(node: NodeInfo): boolean {
    const noDelta = this.existingAntiDelta.size === 0;
    const list = this.existingAntiList;
    if (list.length === 0 && noDelta) return true;
    for (let i = 0; i < list.length; i++) {
      const { key, groups } = list[i]!;
      const v = node.labels[key];
      if (v === undefined) continue;
      let n = noDelta ? 0 : (this.existingAntiDelta.get(pair(key, v)) ?? 0);
      for (let j = 0; j < groups.length; j++) n += groups[j]!.counts.get(v) ?? 0;
      if (n > 0) return false;
    }
    if (noDelta) return true;
    for (const [p, d] of this.existingAntiDelta) {
      if (d <= 0) continue;
      const [key, value] = p.split('\u0000') as [string, string];
      if (node.labels[key] === value && !this.existingAnti.has(key)) return false;
    }
    return true;
  }
}
