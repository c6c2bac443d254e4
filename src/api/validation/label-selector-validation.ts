import { field, type FieldError } from '../errors.js';
import { arr, rec, str } from './json-access.js';
import { labelValue, qualifiedName } from './names.js';
import { validateLabels } from './object-meta.js';

/** A label key (or any qualified name used as one: topology keys, toleration keys) at `path`. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return qualifiedName(name).map((m) => field.invalid(path, name, m));
}

/**
 * A metav1.LabelSelector: matchLabels as labels, matchExpressions with In/NotIn (values required) and
 * Exists/DoesNotExist (values forbidden). Absent selectors are valid; callers requiring one check that.
 */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  const sel = rec(selector);
  if (!sel) return [field.typeInvalid(path, selector, 'must be an object')];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  arr(sel.matchExpressions).forEach((e, i) => errs.push(...validateLabelSelectorRequirement(e, `${path}.matchExpressions[${i}]`)));
  return errs;
}

export function validateLabelSelectorRequirement(requirement: unknown, path: string): FieldError[] {
  const req = rec(requirement) ?? {};
  const errs: FieldError[] = [];
  const values = arr(req.values);
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(field.invalid(`${path}.operator`, req.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(req.key), `${path}.key`));
  values.forEach((v, i) => {
    for (const m of labelValue(str(v))) errs.push(field.invalid(`${path}.values[${i}]`, v, m));
  });
  return errs;
}
