import { field, type FieldError } from '../../errors.js';
import { isPlainObject, type KubeObject } from '../../object.js';
import { arr, rec, str } from '../../validation/json-access.js';

/**
 * Validation of the authorization.k8s.io review kinds, with upstream's paths and messages. Reviews are
 * questions, not stored objects, so their metadata must be empty.
 */

export const authorizationGroup = 'authorization.k8s.io';

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** Empty as Go's zero ObjectMeta: clients such as kubectl send `creationTimestamp: null`. */
function metadataEmpty(obj: KubeObject, allowed: readonly string[]): boolean {
  for (const [k, v] of Object.entries(obj.metadata ?? {})) {
    if (k === 'managedFields' || allowed.includes(k)) continue;
    if (v === undefined || v === null || v === '' || v === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (isPlainObject(v) && Object.keys(v).length === 0) continue;
    return false;
  }
  return true;
}

function specOf(obj: KubeObject): Record<string, unknown> {
  return rec(obj.spec) ?? {};
}

function validateAttributesChoice(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const resource = isSet(spec.resourceAttributes);
  const nonResource = isSet(spec.nonResourceAttributes);
  if (resource && nonResource) {
    errs.push(field.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'));
  }
  if (!resource && !nonResource) {
    errs.push(field.invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  return errs;
}

function validateSubjectAccessReviewSpec(spec: Record<string, unknown>): FieldError[] {
  const errs = validateAttributesChoice(spec);
  if (str(spec.user) === '' && arr(spec.groups).length === 0) {
    errs.push(field.invalid('spec.user', str(spec.user), 'at least one of user or group must be specified'));
  }
  return errs;
}

export function validateSubjectAccessReview(obj: KubeObject): FieldError[] {
  const errs = validateSubjectAccessReviewSpec(specOf(obj));
  if (!metadataEmpty(obj, [])) errs.push(field.invalid('metadata', obj.metadata, 'must be empty'));
  return errs;
}

export function validateSelfSubjectAccessReview(obj: KubeObject): FieldError[] {
  const errs = validateAttributesChoice(specOf(obj));
  if (!metadataEmpty(obj, [])) errs.push(field.invalid('metadata', obj.metadata, 'must be empty'));
  return errs;
}

export function validateLocalSubjectAccessReview(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateSubjectAccessReviewSpec(spec);
  if (!metadataEmpty(obj, ['namespace'])) errs.push(field.invalid('metadata', obj.metadata, 'must be empty except for namespace'));
  const attrs = rec(spec.resourceAttributes);
  if (attrs && str(attrs.namespace) !== str(obj.metadata.namespace)) {
    errs.push(field.invalid('spec.resourceAttributes.namespace', str(attrs.namespace), 'must match metadata.namespace'));
  }
  if (isSet(spec.nonResourceAttributes)) {
    errs.push(field.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
  }
  return errs;
}

/** SelfSubjectRulesReview has no validation upstream beyond its REST handler's namespace check. */
export function validateSelfSubjectRulesReview(): FieldError[] {
  return [];
}
