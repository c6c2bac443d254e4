import { field, type FieldError } from '../errors.js';
import { deepEqual } from '../object.js';
import { validatePodTemplateSpec } from './pod-spec.js';
import { isEmptyLabelSelector, validateLabelSelector } from './label-selector-validation.js';
import { labelSelectorMatches } from './selector-match.js';
import { asRecord, stringMap, type JsonRecord } from './workload-fields.js';

/**
 * Rules shared by the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob) and
 * PodDisruptionBudget, with Kubernetes' field paths and messages.
 */

/** ValidateNonnegativeField, for an optional number: absent values pass. */
export function validateNonnegative(value: unknown, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [field.typeInvalid(path, value, 'must be an integer')];
  return value < 0 ? [field.invalid(path, value, 'must be greater than or equal to 0')] : [];
}

/** ValidateImmutableField. */
export function validateImmutable(value: unknown, old: unknown, path: string): FieldError[] {
  return deepEqual(value ?? null, old ?? null) ? [] : [field.invalid(path, value, 'field is immutable')];
}

const percentRe = /^[0-9]+%$/;
const percentMessage =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** ValidatePositiveIntOrPercent: a non-negative integer or a `N%` string. */
export function validateIntOrPercent(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') return percentRe.test(value) ? [] : [field.invalid(path, value, percentMessage)];
  if (typeof value === 'number' && Number.isInteger(value)) return validateNonnegative(value, path);
  // Kubernetes' message carries a literal `%%`: the string is never passed through a formatter.
  return [field.invalid(path, value, "must be an integer or percentage (e.g '5%%')")];
}

/** The number an int-or-percent holds (`25%` is 25), as getIntOrPercentValue computes it. */
export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value !== 'string') return 0;
  if (percentRe.test(value)) return Number(value.slice(0, -1));
  return /^[+-]?\d+$/.test(value) ? Number(value) : 0;
}

/** IsNotMoreThan100Percent. */
export function validateAtMost100Percent(value: unknown, path: string): FieldError[] {
  if (typeof value !== 'string' || !percentRe.test(value)) return [];
  return Number(value.slice(0, -1)) > 100 ? [field.invalid(path, value, 'must not be greater than 100%')] : [];
}

/**
 * `spec.selector` of a workload that requires one: present, syntactically valid and not empty. `kind`
 * names the object in the empty-selector message (`empty selector is invalid for deployment`).
 */
export function validateRequiredSelector(selector: unknown, path: string, kind: string): FieldError[] {
  if (selector === undefined || selector === null) return [field.required(path)];
  const errs = validateLabelSelector(selector, path);
  if (isEmptyLabelSelector(selector)) errs.push(field.invalid(path, selector, `empty selector is invalid for ${kind}`));
  return errs;
}

/** The template's labels must be selected by `selector` (skipped when the selector is empty or invalid). */
export function validateSelectorMatchesTemplate(selector: unknown, template: JsonRecord, templatePath: string): FieldError[] {
  if (isEmptyLabelSelector(selector)) return [];
  const labels = stringMap(asRecord(template.metadata)?.labels);
  // A null selector selects nothing, so Kubernetes reports the mismatch beside the missing selector.
  if (labelSelectorMatches(selector, labels) === false) {
    return [field.invalid(`${templatePath}.metadata.labels`, labels ?? null, '`selector` does not match template `labels`')];
  }
  return [];
}

/**
 * The pod template of a long-running workload: pod template validation, restartPolicy Always and no
 * activeDeadlineSeconds. `kind` names the workload in the activeDeadlineSeconds message.
 */
export function validateWorkloadTemplate(template: unknown, path: string, kind: string): FieldError[] {
  const tpl = asRecord(template);
  if (!tpl) return [field.required(path)];
  const errs = validatePodTemplateSpec(tpl, path);
  const podSpec = asRecord(tpl.spec) ?? {};
  // An absent restartPolicy is defaulted to Always before validation.
  const restartPolicy = podSpec.restartPolicy ?? 'Always';
  if (restartPolicy !== 'Always') errs.push(field.notSupported(`${path}.spec.restartPolicy`, restartPolicy, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}
