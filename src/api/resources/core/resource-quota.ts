import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { arr, rec, str } from '../../validation/json-access.js';
import { qualifiedName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { canonicalizeResourceList } from '../../validation/pod-spec.js';
import { formatQuantity, isWhole, parseQuantity, quantityFormatError } from '../../validation/quantity.js';
import { isExtendedResource, isHugePageResource } from '../../validation/resource-requirements.js';

const standardResources = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const standardQuotaResources = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu',
  'limits.memory', 'limits.ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets',
  'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
/** Resources counted in whole units. */
const integerResources = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

function isQuotaHugePage(name: string): boolean {
  return isHugePageResource(name) || name.startsWith('requests.hugepages-');
}

/** A resource name in a quota or a limit range: qualified, and standard when it has no domain. */
export function validateStandardResourceName(name: string, path: string): FieldError[] {
  const errs = qualifiedName(name).map((m) => field.invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !standardResources.has(name) && !isQuotaHugePage(name)) {
    errs.push(field.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateStandardResourceName(name, path);
  if (!name.includes('/') && !standardQuotaResources.has(name) && !isQuotaHugePage(name) && errs.length === 0) {
    errs.push(field.invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

function isIntegerResource(name: string): boolean {
  return integerResources.has(name) || name.startsWith('count/') || isExtendedResource(name) || (name.startsWith('requests.') && isExtendedResource(name.slice(9)));
}

function validateQuotaList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(rec(list) ?? {})) {
    const p = `${path}[${k}]`;
    errs.push(...validateQuotaResourceName(k, p));
    const q = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : undefined;
    if (!q) {
      errs.push(field.invalid(p, v, quantityFormatError));
      continue;
    }
    if (q.nanos < 0n) errs.push(field.invalid(p, formatQuantity(q), 'must be greater than or equal to 0'));
    if (isIntegerResource(k) && !isWhole(q)) errs.push(field.invalid(p, formatQuantity(q), 'must be an integer'));
  }
  return errs;
}

const standardScopes = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
/** What each scope may limit: BestEffort pods have no compute resources to count. */
const podObjectNames = new Set(['pods', 'count/pods']);
const podComputeNames = new Set(['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage']);

function scopeSupports(scope: string, resource: string): boolean {
  if (scope === 'BestEffort') return podObjectNames.has(resource);
  return podObjectNames.has(resource) || podComputeNames.has(resource) || isQuotaHugePage(resource) || resource.startsWith('requests.');
}

function validateScopes(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const scopes = arr(spec.scopes).map(str);
  if (scopes.length === 0) return errs;
  const hard = Object.keys(rec(spec.hard) ?? {});
  for (const s of scopes) if (!standardScopes.has(s)) errs.push(field.invalid('spec.scopes', scopes, 'unsupported scope'));
  for (const r of hard) {
    if (!scopes.every((s) => scopeSupports(s, r))) errs.push(field.invalid('spec.hard', r, 'unsupported scope applied to resource'));
  }
  const has = (s: string) => scopes.includes(s);
  if ((has('Terminating') && has('NotTerminating')) || (has('BestEffort') && has('NotBestEffort'))) {
    errs.push(field.invalid('spec.scopes', scopes, 'conflicting scopes'));
  }
  return errs;
}

/** `resource: used/hard, ...` for requests (and everything not `limits.*`) or for limits, as kubectl prints quotas. */
function usageCell(obj: KubeObject, limits: boolean): string {
  const hardSpec = rec(rec(obj.spec)?.hard) ?? {};
  const status = rec(obj.status) ?? {};
  const parts: string[] = [];
  for (const name of Object.keys(hardSpec).sort()) {
    if ((name.split('.')[0] === 'limits' && name.includes('.')) !== limits) continue;
    const used = rec(status.used)?.[name];
    const hard = rec(status.hard)?.[name];
    parts.push(`${name}: ${used === undefined ? '0' : String(used)}/${hard === undefined ? '0' : String(hard)}`);
  }
  return parts.join(', ');
}

export const resourceQuota = defineResource({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ResourceQuota',
  shortNames: ['quota'],
  subresources: { status: true },
  generation: false,
  strategy: {
    default(obj) {
      const spec = rec(obj.spec);
      if (spec?.hard !== undefined) canonicalizeResourceList(spec.hard);
      const status = rec(obj.status);
      if (status?.hard !== undefined) canonicalizeResourceList(status.hard);
      if (status?.used !== undefined) canonicalizeResourceList(status.used);
    },
    validate(obj) {
      const spec = rec(obj.spec) ?? {};
      const status = rec(obj.status) ?? {};
      return [
        ...validateObjectMeta(obj, true),
        ...validateQuotaList(spec.hard, 'spec.hard'),
        ...validateScopes(spec),
        ...validateQuotaList(status.hard, 'status.hard'),
        ...validateQuotaList(status.used, 'status.used'),
      ];
    },
  },
  printerColumns: [
    ageColumn(),
    { name: 'Request', type: 'string', description: 'Request represents a minimum amount of cpu/memory that a container may consume.', priority: 0, cell: (o) => usageCell(o, false) },
    {
      name: 'Limit',
      type: 'string',
      description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
      priority: 0,
      cell: (o) => usageCell(o, true),
    },
  ],
});
