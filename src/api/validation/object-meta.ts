import { field, type FieldError } from '../errors.js';
import { isPlainObject, type KubeObject } from '../object.js';
import { dns1123Subdomain, labelValue, qualifiedName } from './names.js';

export type NameValidator = (name: string) => string[];

const totalAnnotationSizeLimit = 256 * 1024;

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === undefined || labels === null) return errs;
  if (!isPlainObject(labels)) return [field.typeInvalid(path, labels, 'must be an object')];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of qualifiedName(k)) errs.push(field.invalid(path, k, m));
    if (typeof v !== 'string') errs.push(field.typeInvalid(`${path}.${k}`, v, 'must be a string'));
    else for (const m of labelValue(v)) errs.push(field.invalid(path, v, m));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (annotations === undefined || annotations === null) return errs;
  if (!isPlainObject(annotations)) return [field.typeInvalid(path, annotations, 'must be an object')];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of qualifiedName(k.toLowerCase())) errs.push(field.invalid(path, k, m));
    if (typeof v !== 'string') errs.push(field.typeInvalid(`${path}.${k}`, v, 'must be a string'));
    else size += k.length + v.length;
  }
  if (size > totalAnnotationSizeLimit) errs.push(field.tooLong(path, totalAnnotationSizeLimit));
  return errs;
}

/**
 * Checks what every object's metadata must satisfy: a valid name (or generateName), a namespace exactly
 * when the kind is namespaced, labels, annotations, finalizers and owner references.
 */
export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameValidator: NameValidator = dns1123Subdomain): FieldError[] {
  const meta = obj.metadata;
  const errs: FieldError[] = [];
  if (!meta.name) {
    errs.push(field.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const m of nameValidator(meta.name)) errs.push(field.invalid('metadata.name', meta.name, m));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(field.required('metadata.namespace'));
  } else if (meta.namespace) {
    errs.push(field.forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  if (meta.finalizers !== undefined) {
    if (!Array.isArray(meta.finalizers)) errs.push(field.typeInvalid('metadata.finalizers', meta.finalizers, 'must be an array'));
    else {
      meta.finalizers.forEach((f, i) => {
        if (typeof f !== 'string') errs.push(field.typeInvalid(`metadata.finalizers[${i}]`, f, 'must be a string'));
        else if (!f.includes('/') && f !== 'kubernetes' && f !== 'orphan' && f !== 'foregroundDeletion') {
          for (const m of qualifiedName(f)) errs.push(field.invalid(`metadata.finalizers[${i}]`, f, m));
        }
      });
    }
  }
  if (meta.ownerReferences !== undefined) {
    if (!Array.isArray(meta.ownerReferences)) errs.push(field.typeInvalid('metadata.ownerReferences', meta.ownerReferences, 'must be an array'));
    else {
      let controllers = 0;
      meta.ownerReferences.forEach((ref, i) => {
        const p = `metadata.ownerReferences[${i}]`;
        if (!ref.apiVersion) errs.push(field.invalid(`${p}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
        if (!ref.kind) errs.push(field.invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty'));
        if (!ref.name) errs.push(field.invalid(`${p}.name`, ref.name ?? '', 'name must not be empty'));
        if (!ref.uid) errs.push(field.invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty'));
        if (ref.controller) controllers++;
      });
      if (controllers > 1) errs.push(field.invalid('metadata.ownerReferences', meta.ownerReferences, 'Only one reference can have Controller set to true'));
    }
  }
  return errs;
}

/** Metadata no update may change. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const immutable = ['name', 'namespace', 'uid', 'creationTimestamp'] as const;
  for (const f of immutable) {
    if (obj.metadata[f] !== old.metadata[f]) {
      errs.push(field.invalid(`metadata.${f}`, obj.metadata[f], 'field is immutable'));
    }
  }
  return errs;
}
