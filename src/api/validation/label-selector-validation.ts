import { field, type FieldError } from '../errors.js';
import { isPlainObject } from '../object.js';
import { labelValue, qualifiedName } from './names.js';
import { validateLabels } from './object-meta.js';

/** A label key (or any qualified name used as one: topology keys, toleration keys) at `path`. */
export function validateLabelName(name: string, path: string): FieldError[] {
  return qualifiedName(name).map((m) => field.invalid(path, name, m));
}

/**
 * A metav1.LabelSelector (matchLabels and matchExpressions), with the field paths and messages of
 * apimachinery's ValidateLabelSelector. Values of In/NotIn requirements are checked as label values, as
 * Kubernetes does when invalid values are not grandfathered in. Absent selectors are valid; callers
 * requiring one check that. Wrongly typed parts are reported rather than read as empty, so the
 * validator stays strict when called without the API server's schema type check in front of it.
 */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isPlainObject(sel)) return [field.typeInvalid(path, sel, 'must be an object')];
  const errs: FieldError[] = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  const exprs = sel.matchExpressions;
  if (exprs === undefined || exprs === null) return errs;
  if (!Array.isArray(exprs)) return [...errs, field.typeInvalid(`${path}.matchExpressions`, exprs, 'must be an array')];
  exprs.forEach((expr, i) => errs.push(...validateLabelSelectorRequirement(expr, `${path}.matchExpressions[${i}]`)));
  return errs;
}

export function validateLabelSelectorRequirement(expr: unknown, path: string): FieldError[] {
  if (!isPlainObject(expr)) return [field.typeInvalid(path, expr, 'must be an object')];
  const values = Array.isArray(expr.values) ? expr.values : [];
  const errs: FieldError[] = setOperatorValueErrors(expr.operator, values, path)
    ?? [field.invalid(`${path}.operator`, expr.operator ?? '', 'not a valid selector operator')];
  errs.push(...validateLabelName(typeof expr.key === 'string' ? expr.key : '', `${path}.key`));
  values.forEach((v, i) => {
    const s = typeof v === 'string' ? v : String(v);
    for (const m of labelValue(s)) errs.push(field.invalid(`${path}.values[${i}]`, s, m));
  });
  return errs;
}

/**
 * The rules on `values` of a set-based operator (In and NotIn need some, Exists and DoesNotExist allow
 * none), shared by label and node selector requirements; undefined when `operator` is not one of them.
 */
export function setOperatorValueErrors(operator: unknown, values: unknown[], path: string): FieldError[] | undefined {
  switch (operator) {
    case 'In':
    case 'NotIn':
      return values.length === 0 ? [field.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'")] : [];
    case 'Exists':
    case 'DoesNotExist':
      return values.length > 0 ? [field.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")] : [];
    default:
      return undefined;
  }
}

/** True for a selector object with neither matchLabels nor matchExpressions (it selects everything). */
export function isEmptyLabelSelector(sel: unknown): boolean {
  if (!isPlainObject(sel)) return false;
  const labels = isPlainObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return labels + exprs === 0;
}
