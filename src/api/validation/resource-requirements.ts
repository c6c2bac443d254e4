import { field, type FieldError } from '../errors.js';
import { rec } from './json-access.js';
import { qualifiedName } from './names.js';
import { compareQuantities, formatQuantity, isWhole, parseQuantity, quantityFormatError, type Quantity } from './quantity.js';

/**
 * Container resource requirements: names a container may request, quantities that parse, are not
 * negative and are whole where the resource is counted, and requests within limits.
 */

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

export function isHugePageResource(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** Native resources have no domain or a kubernetes.io one. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Extended resources (`example.com/gpu`) are counted in whole units and never overcommitted. */
export function isExtendedResource(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return qualifiedName(`requests.${name}`).length === 0;
}

function overcommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResource(name);
}

function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = qualifiedName(name).map((m) => field.invalid(path, name, m));
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResource(name)) {
      errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses one entry of a resource list, reporting what Kubernetes reports about its value. */
export function validateResourceQuantity(name: string, raw: unknown, path: string, errs: FieldError[]): Quantity | undefined {
  const q = typeof raw === 'string' || typeof raw === 'number' ? parseQuantity(raw) : undefined;
  if (!q) {
    errs.push(field.invalid(path, raw, quantityFormatError));
    return undefined;
  }
  if (q.nanos < 0n) errs.push(field.invalid(path, formatQuantity(q), 'must be greater than or equal to 0'));
  if (isExtendedResource(name) && !isWhole(q)) errs.push(field.invalid(path, formatQuantity(q), 'must be an integer'));
  return q;
}

/** A container's `resources` (at `path`, e.g. `spec.containers[0].resources`). */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = rec(resources);
  if (!r) return errs;
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(rec(r.limits) ?? {})) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const q = validateResourceQuantity(name, raw, p, errs);
    if (q) limits.set(name, q);
  }
  for (const [name, raw] of Object.entries(rec(r.requests) ?? {})) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateContainerResourceName(name, p));
    const q = validateResourceQuantity(name, raw, p, errs);
    if (!q) continue;
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(field.invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
