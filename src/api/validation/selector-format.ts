import { isPlainObject } from '../object.js';
import { selectorRequirements } from './selector-match.js';

/**
 * Label selectors and label maps as `kubectl get -o wide` prints them: requirements sorted by key,
 * `k=v` for matchLabels, `k in (a,b)` for In, `!k` for DoesNotExist.
 */

/** The selector's string form; "" for a null or empty selector, undefined when it is invalid. */
export function labelSelectorString(sel: unknown): string | undefined {
  const reqs = selectorRequirements(sel);
  if (reqs === undefined) return undefined;
  if (reqs === null) return '';
  return reqs
    .map((r) => {
      switch (r.operator) {
        case 'Equals':
          return `${r.key}=${r.values[0]}`;
        case 'In':
          return `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/** metav1.FormatLabelSelector: "<none>" for an empty selector, "<error>" for an invalid one. */
export function formatLabelSelector(sel: unknown): string {
  const s = labelSelectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: `k=v` pairs sorted by key, "<none>" when there are none. */
export function formatLabels(labels: unknown): string {
  if (!isPlainObject(labels)) return '<none>';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${String(labels[k])}`).join(',');
}
