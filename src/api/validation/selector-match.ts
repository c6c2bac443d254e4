import { isPlainObject } from '../object.js';

/** One requirement of a label selector object, after the checks LabelSelectorAsSelector makes. */
export interface SelectorRequirement {
  key: string;
  operator: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/**
 * The requirements of a `metav1.LabelSelector` object, sorted by key as Kubernetes' selectors are, or
 * `null` for a null selector (which matches nothing) and `undefined` when the selector cannot be
 * converted (an unknown operator, In without values...), which Kubernetes reports as an error.
 */
export function selectorRequirements(sel: unknown): SelectorRequirement[] | null | undefined {
  if (sel === undefined || sel === null) return null;
  if (!isPlainObject(sel)) return undefined;
  const reqs: SelectorRequirement[] = [];
  if (sel.matchLabels !== undefined && sel.matchLabels !== null) {
    if (!isPlainObject(sel.matchLabels)) return undefined;
    for (const [k, v] of Object.entries(sel.matchLabels)) reqs.push({ key: k, operator: 'Equals', values: [String(v)] });
  }
  if (sel.matchExpressions !== undefined && sel.matchExpressions !== null) {
    if (!Array.isArray(sel.matchExpressions)) return undefined;
    for (const e of sel.matchExpressions) {
      if (!isPlainObject(e) || typeof e.key !== 'string') return undefined;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      switch (e.operator) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) return undefined;
          reqs.push({ key: e.key, operator: e.operator, values: [...new Set(values)].sort() });
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length > 0) return undefined;
          reqs.push({ key: e.key, operator: e.operator, values: [] });
          break;
        default:
          return undefined;
      }
    }
  }
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Whether `labels` satisfy every requirement. */
export function requirementsMatch(reqs: readonly SelectorRequirement[], labels: Record<string, string> | undefined): boolean {
  return reqs.every((r) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'Equals':
      case 'In':
        return has && r.values.includes(labels![r.key]);
      case 'NotIn':
        return !has || !r.values.includes(labels![r.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

/**
 * Whether a selector object selects `labels`: false for a null selector, true for an empty one, and
 * undefined when the selector is invalid (callers then report the selector, not the labels).
 */
export function labelSelectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean | undefined {
  const reqs = selectorRequirements(sel);
  if (reqs === undefined) return undefined;
  if (reqs === null) return false;
  return requirementsMatch(reqs, labels);
}
