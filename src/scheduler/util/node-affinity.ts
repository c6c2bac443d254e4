import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../snapshot/node-info.js';

type Labels = Readonly<Record<string, string>>;

/** One parsed node selector requirement; `test` sees the label (or field) value, undefined if absent. */
type Test = (value: string | undefined) => boolean;

function parseInt64(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s.trim()) ? Number(s) : undefined;
}

function labelTest(r: NodeSelectorRequirement): Test | string {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': {
      if (values.length === 0) return `${r.key}: values set can't be empty for operator In`;
      const set = new Set(values);
      return (v) => v !== undefined && set.has(v);
    }
    case 'NotIn': {
      if (values.length === 0) return `${r.key}: values set can't be empty for operator NotIn`;
      const set = new Set(values);
      return (v) => v === undefined || !set.has(v);
    }
    case 'Exists':
      return (v) => v !== undefined;
    case 'DoesNotExist':
      return (v) => v === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? parseInt64(values[0]!) : undefined;
      if (bound === undefined) return `${r.key}: for 'Gt', 'Lt' operators, exactly one integer value is required`;
      const gt = r.operator === 'Gt';
      return (v) => {
        if (v === undefined) return false;
        const n = parseInt64(v);
        return n !== undefined && (gt ? n > bound : n < bound);
      };
    }
    default:
      return `${r.key}: "${r.operator}" is not a valid node selector operator`;
  }
}

function fieldTest(r: NodeSelectorRequirement): Test | string {
  if (r.key !== 'metadata.name') return `${r.key}: not a supported field selector key`;
  const values = r.values ?? [];
  if (values.length !== 1) return `unexpected number of value (${values.length}) for node field selector operator`;
  if (r.operator === 'In') return (v) => v === values[0];
  if (r.operator === 'NotIn') return (v) => v !== values[0];
  return `"${r.operator}" is not a valid node field selector operator`;
}

/** A NodeSelectorTerm: every label expression and every field expression must hold. */
export class NodeSelectorTermMatcher {
  private readonly labels: { key: string; test: Test }[] = [];
  private readonly fields: Test[] = [];
  readonly errors: string[] = [];

  constructor(term: NodeSelectorTerm) {
    for (const r of term.matchExpressions ?? []) {
      const t = labelTest(r);
      if (typeof t === 'string') this.errors.push(t);
      else this.labels.push({ key: r.key, test: t });
    }
    for (const r of term.matchFields ?? []) {
      const t = fieldTest(r);
      if (typeof t === 'string') this.errors.push(t);
      else this.fields.push(t);
    }
  }

  /** An unparsable term matches nothing. */
  matches(name: string, labels: Labels): boolean {
    if (this.errors.length) return false;
    for (const { key, test } of this.labels) if (!test(labels[key])) return false;
    for (const test of this.fields) if (!test(name)) return false;
    return true;
  }
}

function isEmptyTerm(t: NodeSelectorTerm): boolean {
  return (t.matchExpressions?.length ?? 0) === 0 && (t.matchFields?.length ?? 0) === 0;
}

/** A NodeSelector: its terms are ORed; empty terms select nothing and are dropped. */
export class NodeSelectorMatcher {
  readonly terms: NodeSelectorTermMatcher[];

  constructor(terms: readonly NodeSelectorTerm[]) {
    this.terms = terms.filter((t) => !isEmptyTerm(t)).map((t) => new NodeSelectorTermMatcher(t));
  }

  matches(name: string, labels: Labels): boolean {
    for (const t of this.terms) if (t.matches(name, labels)) return true;
    return false;
  }
}

/**
 * A pod's hard node constraints: spec.nodeSelector (every label equal) and the required node affinity
 * (any term). Upstream's RequiredNodeAffinity, used by NodeAffinity and by PodTopologySpread's
 * nodeAffinityPolicy.
 */
export class RequiredNodeAffinity {
  private readonly selector: [string, string][];
  private readonly affinity: NodeSelectorMatcher | undefined;

  constructor(pod: Pod) {
    this.selector = Object.entries(pod.spec?.nodeSelector ?? {});
    const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.affinity = req ? new NodeSelectorMatcher(req.nodeSelectorTerms ?? []) : undefined;
  }

  /** True when the pod constrains nodes at all. */
  get constrains(): boolean {
    return this.selector.length > 0 || this.affinity !== undefined;
  }

  matches(node: NodeInfo): boolean {
    for (const [k, v] of this.selector) if (node.labels[k] !== v) return false;
    return this.affinity === undefined || this.affinity.matches(node.name, node.labels);
  }
}

const requiredCache = new WeakMap<Pod, RequiredNodeAffinity>();

/** The pod's RequiredNodeAffinity, parsed once per pod object. */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  let r = requiredCache.get(pod);
  if (!r) requiredCache.set(pod, (r = new RequiredNodeAffinity(pod)));
  return r;
}

/** Preferred node affinity terms with their weights (zero weights dropped, as upstream). */
export class PreferredSchedulingTerms {
  private readonly terms: { weight: number; term: NodeSelectorTermMatcher }[] = [];

  constructor(terms: readonly PreferredSchedulingTerm[]) {
    for (const t of terms) {
      if (!t.weight) continue;
      this.terms.push({ weight: t.weight, term: new NodeSelectorTermMatcher(t.preference) });
    }
  }

  get empty(): boolean {
    return this.terms.length === 0;
  }

  /** Sum of the weights of the terms the node matches. */
  score(node: NodeInfo): number {
    let s = 0;
    for (const { weight, term } of this.terms) if (term.matches(node.name, node.labels)) s += weight;
    return s;
  }
}
