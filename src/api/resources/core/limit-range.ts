import { field, type FieldError } from '../../errors.js';
import { createdAtColumn } from '../../human-duration.js';
import { defineResource } from '../../resource.js';
import { arr, rec, str, type JsonRecord } from '../../validation/json-access.js';
import { qualifiedName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { canonicalizeResourceList } from '../../validation/pod-spec.js';
import { compareQuantities, formatQuantity, parseQuantity, quantityFormatError, type Quantity } from '../../validation/quantity.js';
import { isExtendedResource, isHugePageResource, isNativeResource } from '../../validation/resource-requirements.js';
import { validateStandardResourceName } from './resource-quota.js';

const standardLimitTypes = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const listNames = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

function validateTypeName(type: string, path: string): FieldError[] {
  const errs = qualifiedName(type).map((m) => field.invalid(path, type, m));
  if (errs.length === 0 && !type.includes('/') && !standardLimitTypes.has(type)) errs.push(field.invalid(path, type, 'must be a standard limit type or fully qualified'));
  return errs;
}

function validateResourceName(type: string, name: string, path: string): FieldError[] {
  if (type !== 'Pod' && type !== 'Container') return validateStandardResourceName(name, path);
  const errs = validateStandardResourceName(name, path);
  if (!name.includes('/')) {
    if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !isHugePageResource(name)) errs.push(field.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(field.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function quantities(list: unknown, path: string, errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(rec(list) ?? {})) {
    const q = typeof v === 'string' || typeof v === 'number' ? parseQuantity(v) : undefined;
    if (!q) errs.push(field.invalid(`${path}[${k}]`, v, quantityFormatError));
    else out.set(k, q);
  }
  return out;
}

function milliOrValue(q: Quantity): number {
  return Number(q.nanos) / 1e9;
}

function overcommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResource(name);
}

/** LimitRange validation as Kubernetes' ValidateLimitRange: names, and min <= default request <= default <= max. */
function validateLimits(spec: JsonRecord | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  arr(spec?.limits).forEach((raw, i) => {
    const item = rec(raw) ?? {};
    const p = `spec.limits[${i}]`;
    const type = str(item.type);
    errs.push(...validateTypeName(type, `${p}.type`));
    if (seenTypes.has(type)) errs.push(field.duplicate(`${p}.type`, type));
    seenTypes.add(type);
    const lists = Object.fromEntries(listNames.map((n) => [n, quantities(item[n], `${p}.${n}`, errs)])) as Record<(typeof listNames)[number], Map<string, Quantity>>;
    const keys = new Set<string>();
    for (const n of ['max', 'min'] as const) {
      for (const k of lists[n].keys()) {
        errs.push(...validateResourceName(type, k, `${p}.${n}[${k}]`));
        keys.add(k);
      }
    }
    if (type === 'Pod') {
      if (lists.default.size > 0) errs.push(field.forbidden(`${p}.default`, "may not be specified when `type` is 'Pod'"));
      if (lists.defaultRequest.size > 0) errs.push(field.forbidden(`${p}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      for (const n of ['default', 'defaultRequest'] as const) {
        for (const k of lists[n].keys()) {
          errs.push(...validateResourceName(type, k, `${p}.${n}[${k}]`));
          keys.add(k);
        }
      }
    }
    if (type === 'PersistentVolumeClaim' && !lists.min.has('storage') && !lists.max.has('storage')) {
      errs.push(field.required(`${p}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    for (const k of lists.maxLimitRequestRatio.keys()) {
      errs.push(...validateResourceName(type, k, `${p}.maxLimitRequestRatio[${k}]`));
      keys.add(k);
    }
    for (const k of keys) {
      const min = lists.min.get(k);
      const max = lists.max.get(k);
      const def = lists.default.get(k);
      const defReq = lists.defaultRequest.get(k);
      const ratio = lists.maxLimitRequestRatio.get(k);
      const s = formatQuantity;
      if (min && max && compareQuantities(min, max) > 0) errs.push(field.invalid(`${p}.min[${k}]`, s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
      if (defReq && min && compareQuantities(min, defReq) > 0) errs.push(field.invalid(`${p}.defaultRequest[${k}]`, s(defReq), `min value ${s(min)} is greater than default request value ${s(defReq)}`));
      if (defReq && max && compareQuantities(defReq, max) > 0) errs.push(field.invalid(`${p}.defaultRequest[${k}]`, s(defReq), `default request value ${s(defReq)} is greater than max value ${s(max)}`));
      if (defReq && def && compareQuantities(defReq, def) > 0) errs.push(field.invalid(`${p}.defaultRequest[${k}]`, s(defReq), `default request value ${s(defReq)} is greater than default limit value ${s(def)}`));
      if (def && min && compareQuantities(min, def) > 0) errs.push(field.invalid(`${p}.default[${k}]`, s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
      if (def && max && compareQuantities(def, max) > 0) errs.push(field.invalid(`${p}.default[${k}]`, s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
      if (ratio && ratio.nanos < 1_000_000_000n) errs.push(field.invalid(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is less than 1`));
      if (ratio && min && max) {
        const limit = milliOrValue(max) / milliOrValue(min);
        if (milliOrValue(ratio) > limit) errs.push(field.invalid(`${p}.maxLimitRequestRatio[${k}]`, s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
      }
      if (!overcommitAllowed(k) && def && defReq && compareQuantities(def, defReq) !== 0) {
        errs.push(field.invalid(`${p}.defaultRequest[${k}]`, s(defReq), `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${k}`));
      }
    }
  });
  return errs;
}

/** SetDefaults_LimitRangeItem: a container limit defaults to the max, a default request to the default limit, else the min. */
function defaultLimits(spec: JsonRecord | undefined): void {
  for (const raw of arr(spec?.limits)) {
    const item = rec(raw);
    if (!item) continue;
    for (const n of listNames) if (item[n] !== undefined) canonicalizeResourceList(item[n]);
    if (str(item.type) !== 'Container') continue;
    const def: JsonRecord = { ...rec(item.default) };
    const defReq: JsonRecord = { ...rec(item.defaultRequest) };
    for (const [k, v] of Object.entries(rec(item.max) ?? {})) if (def[k] === undefined) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = v;
    for (const [k, v] of Object.entries(rec(item.min) ?? {})) if (defReq[k] === undefined) defReq[k] = v;
    if (Object.keys(def).length > 0) item.default = def;
    if (Object.keys(defReq).length > 0) item.defaultRequest = defReq;
  }
}

export const limitRange = defineResource({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.LimitRange',
  shortNames: ['limits'],
  generation: false,
  strategy: {
    default: (obj) => defaultLimits(rec(obj.spec)),
    validate: (obj) => [...validateObjectMeta(obj, true), ...validateLimits(rec(obj.spec))],
  },
  printerColumns: [createdAtColumn],
});
