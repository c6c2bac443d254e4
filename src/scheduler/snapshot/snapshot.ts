import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { ClusterObjects } from './cluster-objects.js';
import { Interner } from './interner.js';
import { LabelIndex } from './label-index.js';
import { NodeInfo } from './node-info.js';
import { PodCounter } from './pod-counter.js';
import { podInfo, podKey, type PodInfo } from './pod-info.js';
import { TermIndex } from './term-index.js';

interface PodEntry {
  info: PodInfo;
  nodeName: string;
  /** Placed by the scheduler, binding not yet seen from the API. */
  assumed: boolean;
}

const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const ZONE_BETA = 'failure-domain.beta.kubernetes.io/zone';
const REGION_BETA = 'failure-domain.beta.kubernetes.io/region';

function zoneKey(labels: Readonly<Record<string, string>>): string {
  const region = labels[REGION] ?? labels[REGION_BETA] ?? '';
  const zone = labels[ZONE] ?? labels[ZONE_BETA] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

/**
 * What a counter promises about the pods it counts: only pods of `namespace` whose label `label[0]` is
 * `label[1]` can match. The snapshot then offers it only such pods.
 */
export interface CounterHint {
  namespace: string;
  label: readonly [string, string];
}

function labelHintKey(namespace: string, key: string, value: string): string {
  return `${namespace}\0${key}\0${value}`;
}

/** Counters unread for this many cycles are dropped; a later pod needing one rebuilds it with one scan. */
const COUNTER_IDLE_CYCLES = 4096;

/**
 * The scheduler's view of the cluster: one NodeInfo per node with its pods (bound and assumed), kept
 * incrementally from informer events, and the indexes that keep each cycle cheap: node lists per label
 * value, existing pods' affinity terms grouped per term, and per-domain counters of pods matching the
 * terms and spread selectors in use. Scheduling cycles run between events on one thread, so the cycle
 * reads this live structure directly instead of a copied snapshot.
 */
export class Snapshot {
  readonly interner = new Interner();
  readonly labelIndex = new LabelIndex();
  readonly terms = new TermIndex();
  readonly objects = new ClusterObjects();
  private readonly byName = new Map<string, NodeInfo>();
  private readonly slots: (NodeInfo | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private ordered: NodeInfo[] | undefined;
  private readonly pods = new Map<string, PodEntry>();
  /** Pods bound to a node the snapshot does not know (yet, or any more), by node name. */
  private readonly orphans = new Map<string, Set<string>>();
  private readonly counters = new Map<string, PodCounter>();
  /**
   * Counters that only count pods of one namespace carrying one label value (see `CounterHint`), by
   * `namespace\0key\0value`, and the rest: a pod placed or removed is offered to the counters its own
   * labels name and to the unhinted ones, not to every counter (a thousand ReplicaSets make a thousand).
   */
  private readonly countersByLabel = new Map<string, Set<PodCounter>>();
  private readonly unhintedCounters = new Set<PodCounter>();
  /** The `countersByLabel` key of each hinted counter, to take it out again. */
  private readonly counterHints = new Map<PodCounter, string>();
  /** Incremented once per scheduling cycle. */
  cycle = 0;

  // --- nodes ---

  /** All nodes, interleaved zone by zone as upstream's node tree lists them (so partial scans spread). */
  nodes(): readonly NodeInfo[] {
    if (!this.ordered) this.ordered = this.interleave();
    return this.ordered;
  }

  get numNodes(): number {
    return this.byName.size;
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  addNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    const existing = this.byName.get(name);
    if (existing) {
      this.updateNode(node);
      return existing;
    }
    const slot = this.freeSlots.pop() ?? this.slots.length;
    const ni = new NodeInfo(node, slot);
    ni.labels = this.interner.labels(node.metadata?.labels);
    this.slots[slot] = ni;
    this.byName.set(name, ni);
    this.labelIndex.add(ni);
    this.ordered = undefined;
    const waiting = this.orphans.get(name);
    if (waiting) {
      this.orphans.delete(name);
      for (const key of waiting) {
        const e = this.pods.get(key);
        if (e) this.attach(e.info, ni);
      }
    }
    return ni;
  }

  /** Replaces a node object; returns the previous one, or undefined when the node was unknown (then added). */
  updateNode(node: Node): Node | undefined {
    const ni = this.byName.get(node.metadata?.name ?? '');
    if (!ni) {
      this.addNode(node);
      return undefined;
    }
    const old = ni.node;
    const oldLabels = ni.labels;
    ni.setNode(node);
    const labels = this.interner.labels(node.metadata?.labels);
    if (sameLabels(oldLabels, labels)) {
      ni.labels = oldLabels;
      return old;
    }
    ni.labels = labels;
    this.labelIndex.remove(ni, oldLabels);
    this.labelIndex.add(ni);
    for (const pi of ni.podsWithAffinity) {
      this.terms.apply(pi, ni, -1, oldLabels);
      this.terms.apply(pi, ni, 1);
    }
    for (const c of this.counters.values()) c.relabel(ni, oldLabels);
    if (zoneKey(oldLabels) !== zoneKey(labels)) this.ordered = undefined;
    return old;
  }

  removeNode(name: string): Node | undefined {
    const ni = this.byName.get(name);
    if (!ni) return undefined;
    // The node's pods stay known (they are deleted separately) but stop counting anywhere.
    for (const pi of [...ni.pods]) {
      this.detach(pi, ni);
      this.orphan(pi.key, name);
    }
    this.labelIndex.remove(ni);
    this.byName.delete(name);
    this.slots[ni.slot] = undefined;
    this.freeSlots.push(ni.slot);
    this.ordered = undefined;
    return ni.node;
  }

  // --- pods ---

  /** The pod as the snapshot knows it (bound or assumed), or undefined. */
  pod(key: string): { info: PodInfo; nodeName: string; assumed: boolean } | undefined {
    return this.pods.get(key);
  }

  get numPods(): number {
    return this.pods.size;
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed ?? false;
  }

  /** A pod bound to a node (`spec.nodeName` set) was added; confirms it if it was assumed. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const existing = this.pods.get(key);
    if (existing) this.removeEntry(key, existing);
    this.insert(key, podInfo(pod), pod.spec?.nodeName ?? '', false);
  }

  updatePod(pod: Pod): void {
    const key = podKey(pod);
    const existing = this.pods.get(key);
    if (existing) this.removeEntry(key, existing);
    if (pod.spec?.nodeName) this.insert(key, podInfo(pod), pod.spec.nodeName, false);
  }

  removePod(pod: Pod | string): void {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    const existing = this.pods.get(key);
    if (existing) this.removeEntry(key, existing);
  }

  /**
   * Places `pod` on `nodeName` at once, before binding, so the next cycle already sees it. Returns the
   * assumed copy (with spec.nodeName set).
   */
  assume(pod: Pod, nodeName: string): Pod {
    const assumed: Pod = { ...pod, spec: { ...pod.spec!, nodeName } };
    const key = podKey(pod);
    const existing = this.pods.get(key);
    if (existing) this.removeEntry(key, existing);
    this.insert(key, podInfo(assumed), nodeName, true);
    return assumed;
  }

  /** Drops an assumed pod (its binding failed or a later phase rejected it). */
  forget(key: string): void {
    const e = this.pods.get(key);
    if (e?.assumed) this.removeEntry(key, e);
  }

  private insert(key: string, info: PodInfo, nodeName: string, assumed: boolean): void {
    this.pods.set(key, { info, nodeName, assumed });
    const ni = this.byName.get(nodeName);
    if (ni) this.attach(info, ni);
    else this.orphan(key, nodeName);
  }

  private removeEntry(key: string, e: PodEntry): void {
    this.pods.delete(key);
    const ni = this.byName.get(e.nodeName);
    if (ni && ni.pods.some((p) => p.key === key)) this.detach(e.info, ni);
    else this.orphans.get(e.nodeName)?.delete(key);
  }

  private orphan(key: string, nodeName: string): void {
    let s = this.orphans.get(nodeName);
    if (!s) this.orphans.set(nodeName, (s = new Set()));
    s.add(key);
  }

  private attach(pi: PodInfo, ni: NodeInfo): void {
    ni.addPod(pi);
    this.terms.apply(pi, ni, 1);
    this.applyCounters(pi, ni, 1);
  }

  private detach(pi: PodInfo, ni: NodeInfo): void {
    ni.removePod(pi.key);
    this.terms.apply(pi, ni, -1);
    this.applyCounters(pi, ni, -1);
  }

  private applyCounters(pi: PodInfo, ni: NodeInfo, sign: 1 | -1): void {
    for (const c of this.unhintedCounters) c.apply(pi, ni, sign);
    if (this.countersByLabel.size === 0) return;
    for (const k in pi.labels) {
      const hinted = this.countersByLabel.get(labelHintKey(pi.namespace, k, pi.labels[k]!));
      if (hinted) for (const c of hinted) c.apply(pi, ni, sign);
    }
  }

  // --- counters ---

  /**
   * The counter of pods matching `matches`, registered under `key` (callers build the key from the
   * canonical term or selector, so equal predicates share one counter). A new counter scans the pods once.
   */
  counter(key: string, matches: (pod: PodInfo) => boolean, hint?: CounterHint): PodCounter {
    let c = this.counters.get(key);
    if (!c) {
      c = new PodCounter(key, matches);
      if (hint) {
        // The hint rules out most pods with two reads, before the whole selector is evaluated: a
        // thousand ReplicaSets' spread selectors each scan every pod once.
        const [label, value] = hint.label;
        for (const ni of this.byName.values()) {
          for (const pi of ni.pods) if (pi.namespace === hint.namespace && pi.labels[label] === value) c.apply(pi, ni, 1);
        }
      } else {
        for (const ni of this.byName.values()) for (const pi of ni.pods) c.apply(pi, ni, 1);
      }
      this.counters.set(key, c);
      if (hint) {
        const k = labelHintKey(hint.namespace, hint.label[0], hint.label[1]);
        let set = this.countersByLabel.get(k);
        if (!set) this.countersByLabel.set(k, (set = new Set()));
        set.add(c);
        this.counterHints.set(c, k);
      } else this.unhintedCounters.add(c);
    }
    c.lastUsed = this.cycle;
    return c;
  }

  private dropCounter(key: string, c: PodCounter): void {
    this.counters.delete(key);
    this.unhintedCounters.delete(c);
    const k = this.counterHints.get(c);
    if (k === undefined) return;
    this.counterHints.delete(c);
    const set = this.countersByLabel.get(k);
    set?.delete(c);
    if (set?.size === 0) this.countersByLabel.delete(k);
  }

  get numCounters(): number {
    return this.counters.size;
  }

  /** Marks the end of a scheduling cycle; now and then drops counters nobody read for a long time. */
  endCycle(): void {
    this.cycle++;
    if ((this.cycle & 1023) === 0) {
      for (const [k, c] of this.counters) if (this.cycle - c.lastUsed > COUNTER_IDLE_CYCLES) this.dropCounter(k, c);
    }
  }

  private interleave(): NodeInfo[] {
    const zones = new Map<string, NodeInfo[]>();
    for (const ni of this.byName.values()) {
      const z = zoneKey(ni.labels);
      let list = zones.get(z);
      if (!list) zones.set(z, (list = []));
      list.push(ni);
    }
    if (zones.size <= 1) return [...this.byName.values()];
    const lists = [...zones.values()];
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < this.byName.size; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
    return out;
  }
}
