import { field, type FieldError } from '../errors.js';

/** Keys of ConfigMap and Secret data, which become file names when mounted. */

const configMapKeyRe = /^[-._a-zA-Z0-9]+$/;

/** Problems with `key` as a ConfigMap or Secret key; empty when valid. */
export function configMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push('must be no more than 253 characters');
  if (!configMapKeyRe.test(key)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    );
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** The most a ConfigMap's or Secret's data may hold, in bytes. */
export const maxDataSize = 1024 * 1024;

export function dataTooLong(path: string): FieldError {
  return { type: 'FieldValueTooLong', field: path, detail: `must have at most ${maxDataSize} bytes` };
}

/** The error Kubernetes gives for a change to a field that may never change. */
export function immutable(path: string, value: unknown): FieldError {
  return field.invalid(path, value, 'field is immutable');
}

/** Errors for `data` (and `binaryData`) of an object marked `immutable: true`. */
export function validateImmutableData(obj: Record<string, unknown>, old: Record<string, unknown>, keys: string[], deepEqual: (a: unknown, b: unknown) => boolean): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const k of keys) {
    if (!deepEqual(obj[k], old[k])) errs.push(field.forbidden(k, 'field is immutable when `immutable` is set'));
  }
  return errs;
}
