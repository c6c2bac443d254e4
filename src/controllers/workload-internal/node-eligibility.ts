import type { NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/index.js';

function nodeTaints(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
}

/** Whether a toleration tolerates a taint, as upstream's Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // An empty key with Exists tolerates every taint.
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** The node's taints with one of `effects` that no toleration tolerates. */
export function untoleratedTaints(node: KubeObject, tolerations: readonly Toleration[], effects: readonly string[]): Taint[] {
  return nodeTaints(node).filter((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0], 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A term matches when all its requirements do; a term with none matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, Object.hasOwn(labels, e.key) ? labels[e.key] : undefined)) return false;
  for (const f of fields) {
    // metadata.name is the only field node selectors may use.
    if (f.key !== 'metadata.name' || !requirementMatches(f, node.metadata.name)) return false;
  }
  return true;
}

/** `nodeSelector` and required node affinity (terms ORed), as the scheduler's NodeAffinity filter. */
export function podFitsNodeAffinity(spec: PodSpec, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}
