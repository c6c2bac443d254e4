import { field, type FieldError } from '../errors.js';
import { isPlainObject } from '../object.js';
import { labelValue, qualifiedName } from './names.js';
import { validateLabels } from './object-meta.js';

/**
 * Validation of a `metav1.LabelSelector` object (matchLabels and matchExpressions), with the field paths
 * and messages of apimachinery's ValidateLabelSelector. Values of In/NotIn requirements are checked as
 * label values, as Kubernetes does when invalid values are not grandfathered in.
 */
export function validateLabelSelector(sel: unknown, path: string): FieldError[] {
  if (sel === undefined || sel === null) return [];
  if (!isPlainObject(sel)) return [field.typeInvalid(path, sel, 'must be an object')];
  const errs: FieldError[] = [...validateLabels(sel.matchLabels, `${path}.matchLabels`)];
  const exprs = sel.matchExpressions;
  if (exprs === undefined || exprs === null) return errs;
  if (!Array.isArray(exprs)) return [...errs, field.typeInvalid(`${path}.matchExpressions`, exprs, 'must be an array')];
  exprs.forEach((expr, i) => errs.push(...validateRequirement(expr, `${path}.matchExpressions[${i}]`)));
  return errs;
}

function validateRequirement(expr: unknown, path: string): FieldError[] {
  if (!isPlainObject(expr)) return [field.typeInvalid(path, expr, 'must be an object')];
  const errs: FieldError[] = [];
  const values = Array.isArray(expr.values) ? expr.values : [];
  switch (expr.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(field.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(field.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      errs.push(field.invalid(`${path}.operator`, expr.operator ?? '', 'not a valid selector operator'));
  }
  const key = typeof expr.key === 'string' ? expr.key : '';
  for (const m of qualifiedName(key)) errs.push(field.invalid(`${path}.key`, key, m));
  values.forEach((v, i) => {
    const s = typeof v === 'string' ? v : String(v);
    for (const m of labelValue(s)) errs.push(field.invalid(`${path}.values[${i}]`, s, m));
  });
  return errs;
}

/** True for a selector object with neither matchLabels nor matchExpressions (it selects everything). */
export function isEmptyLabelSelector(sel: unknown): boolean {
  if (!isPlainObject(sel)) return false;
  const labels = isPlainObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return labels + exprs === 0;
}
