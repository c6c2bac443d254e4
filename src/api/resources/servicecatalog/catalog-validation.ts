import { field, type FieldError } from '../../errors.js';
import { deepEqual, isPlainObject } from '../../object.js';
import { dns1123Subdomain } from '../../validation/names.js';
import { arrayOf, asRecord, childRecord, intOf } from '../../validation/workload-fields.js';
import { classProperties, parseRestriction, planProperties } from './catalog-restrictions.js';
import { parseGoDuration } from './go-duration.js';

/** The finalizer through which deleting an instance or binding reaches the broker (the upstream name). */
export const catalogFinalizer = 'kubernetes-incubator/service-catalog';
/** Wharf: `"true"` on an instance or binding lets it go without calling the broker. */
export const abandonAnnotation = 'servicecatalog.wharf.dev/abandon';
export const deletionPolicies = ['Delete', 'Orphan'];
export const relistBehaviors = ['Duration', 'Manual'];
export const defaultRelistDuration = '15m0s';

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function validateSecretRef(ref: unknown, path: string, cluster: boolean): FieldError[] {
  const r = asRecord(ref);
  if (!r) return [field.required(path, 'a secret reference is required')];
  const errs: FieldError[] = [];
  if (cluster) {
    if (!isSet(r.namespace)) errs.push(field.required(`${path}.namespace`));
    else for (const m of dns1123Subdomain(String(r.namespace))) errs.push(field.invalid(`${path}.namespace`, r.namespace, m));
  }
  if (!isSet(r.name)) errs.push(field.required(`${path}.name`));
  else for (const m of dns1123Subdomain(String(r.name))) errs.push(field.invalid(`${path}.name`, r.name, m));
  return errs;
}

function validateRestrictions(list: unknown, path: string, allowed: string[]): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(list).forEach((text, i) => {
    if (typeof text !== 'string') {
      errs.push(field.typeInvalid(`${path}[${i}]`, text, 'must be a string'));
      return;
    }
    try {
      for (const r of parseRestriction(text)) {
        if (!allowed.includes(r.property)) errs.push(field.invalid(`${path}[${i}]`, text, `Invalid property: ${r.property}`));
      }
    } catch (e) {
      errs.push(field.invalid(`${path}[${i}]`, text, (e as Error).message));
    }
  });
  return errs;
}

/** Fills the broker defaults kube's service catalog applied: relist every 15 minutes. */
export function defaultBrokerSpec(spec: Record<string, unknown>): void {
  if (!isSet(spec.relistBehavior)) spec.relistBehavior = 'Duration';
  if (spec.relistBehavior === 'Duration' && !isSet(spec.relistDuration)) spec.relistDuration = defaultRelistDuration;
  if (spec.relistRequests === undefined || spec.relistRequests === null) spec.relistRequests = 0;
}

/** A broker spec of either scope. */
export function validateBrokerSpec(spec: Record<string, unknown>, cluster: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(spec.url)) errs.push(field.required('spec.url', 'brokers must have a remote url to contact'));
  else {
    let url: URL | undefined;
    try {
      url = new URL(String(spec.url));
    } catch {
      errs.push(field.invalid('spec.url', spec.url, 'must be an absolute http or https URL'));
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') errs.push(field.invalid('spec.url', spec.url, 'must be an absolute http or https URL'));
  }
  if (spec.insecureSkipTLSVerify === true && isSet(spec.caBundle)) {
    errs.push(field.invalid('spec.caBundle', spec.caBundle, 'caBundle cannot be used when insecureSkipTLSVerify is true'));
  }
  if (isSet(spec.caBundle) && (typeof spec.caBundle !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(spec.caBundle))) {
    errs.push(field.invalid('spec.caBundle', spec.caBundle, 'must be base64-encoded PEM'));
  }
  if (!isSet(spec.relistBehavior)) errs.push(field.required('spec.relistBehavior', 'relist behavior is required'));
  else if (!relistBehaviors.includes(String(spec.relistBehavior))) errs.push(field.notSupported('spec.relistBehavior', spec.relistBehavior, relistBehaviors));
  if (typeof spec.relistRequests === 'number' && spec.relistRequests < 0) {
    errs.push(field.invalid('spec.relistRequests', spec.relistRequests, 'relistRequests must be greater than zero'));
  }
  if (isSet(spec.relistDuration)) {
    const ms = parseGoDuration(String(spec.relistDuration));
    if (ms === undefined) errs.push(field.invalid('spec.relistDuration', spec.relistDuration, 'must be a duration such as "15m0s"'));
    else if (ms <= 0) errs.push(field.invalid('spec.relistDuration', spec.relistDuration, 'relistDuration must be greater than zero'));
  }
  const auth = asRecord(spec.authInfo);
  if (spec.authInfo !== undefined && spec.authInfo !== null) {
    if (!auth || (!auth.basic && !auth.bearer)) errs.push(field.required('spec.authInfo', 'auth config is required'));
    else if (auth.basic && auth.bearer) errs.push(field.forbidden('spec.authInfo', 'only one of basic or bearer may be specified'));
    else if (auth.basic) errs.push(...validateSecretRef(asRecord(auth.basic)?.secretRef, 'spec.authInfo.basic.secretRef', cluster));
    else errs.push(...validateSecretRef(asRecord(auth.bearer)?.secretRef, 'spec.authInfo.bearer.secretRef', cluster));
  }
  const restrictions = asRecord(spec.catalogRestrictions);
  if (restrictions) {
    const scope = cluster ? 'cluster' : 'namespaced';
    errs.push(...validateRestrictions(restrictions.serviceClass, 'spec.catalogRestrictions.serviceClass', classProperties[scope]));
    errs.push(...validateRestrictions(restrictions.servicePlan, 'spec.catalogRestrictions.servicePlan', planProperties[scope]));
  }
  return errs;
}

export function validateBrokerSpecUpdate(spec: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  if (intOf(spec.relistRequests) < intOf(old.relistRequests)) {
    return [field.invalid('spec.relistRequests', spec.relistRequests, 'RelistRequests must be strictly increasing')];
  }
  return [];
}

/** `parameters` must be a JSON object; `parametersFrom` entries each name a Secret key. */
export function validateParameters(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.parameters !== undefined && spec.parameters !== null && !isPlainObject(spec.parameters)) {
    errs.push(field.invalid('spec.parameters', spec.parameters, 'must be a JSON object'));
  }
  arrayOf(spec.parametersFrom).forEach((src, i) => {
    const p = `spec.parametersFrom[${i}]`;
    const ref = asRecord(asRecord(src)?.secretKeyRef);
    if (!ref) {
      errs.push(field.required(`${p}.secretKeyRef`, 'source must not be empty if present'));
      return;
    }
    if (!isSet(ref.name)) errs.push(field.required(`${p}.secretKeyRef.name`));
    else for (const m of dns1123Subdomain(String(ref.name))) errs.push(field.invalid(`${p}.secretKeyRef.name`, ref.name, m));
    if (!isSet(ref.key)) errs.push(field.required(`${p}.secretKeyRef.key`));
  });
  return errs;
}

/** Each transform sets exactly one operation, with the fields it needs. */
export function validateSecretTransforms(list: unknown): FieldError[] {
  const errs: FieldError[] = [];
  arrayOf(list).forEach((t, i) => {
    const p = `spec.secretTransforms[${i}]`;
    const tr = asRecord(t) ?? {};
    const ops = ['renameKey', 'addKey', 'addKeysFrom', 'removeKey'].filter((k) => tr[k] !== undefined && tr[k] !== null);
    if (ops.length !== 1) {
      errs.push(field.invalid(p, t, 'exactly one of renameKey, addKey, addKeysFrom or removeKey must be set'));
      return;
    }
    const body = asRecord(tr[ops[0]]) ?? {};
    const q = `${p}.${ops[0]}`;
    switch (ops[0]) {
      case 'renameKey':
        if (!isSet(body.from)) errs.push(field.required(`${q}.from`));
        if (!isSet(body.to)) errs.push(field.required(`${q}.to`));
        break;
      case 'addKey':
        if (!isSet(body.key)) errs.push(field.required(`${q}.key`));
        if (!isSet(body.value) && body.stringValue == null && !isSet(body.jsonPathExpression)) {
          errs.push(field.required(q, 'one of value, stringValue or jsonPathExpression is required'));
        }
        break;
      case 'addKeysFrom':
        errs.push(...validateSecretRef(body.secretRef, `${q}.secretRef`, false));
        break;
      case 'removeKey':
        if (!isSet(body.key)) errs.push(field.required(`${q}.key`));
        break;
    }
  });
  return errs;
}

/** The ways a ServiceInstance names its class (and the plan field that goes with each). */
export const planReferenceWays: readonly { cls: string; plan: string }[] = [
  { cls: 'clusterServiceClassExternalName', plan: 'clusterServicePlanExternalName' },
  { cls: 'clusterServiceClassExternalID', plan: 'clusterServicePlanExternalID' },
  { cls: 'clusterServiceClassName', plan: 'clusterServicePlanName' },
  { cls: 'serviceClassExternalName', plan: 'servicePlanExternalName' },
  { cls: 'serviceClassExternalID', plan: 'servicePlanExternalID' },
  { cls: 'serviceClassName', plan: 'servicePlanName' },
];

/** Exactly one way of naming the class, and the plan named the same way. */
export function validatePlanReference(spec: Record<string, unknown>): FieldError[] {
  const classes = planReferenceWays.filter((w) => isSet(spec[w.cls]));
  const plans = planReferenceWays.filter((w) => isSet(spec[w.plan]));
  const classList = planReferenceWays.map((w) => w.cls).join(', ');
  const planList = planReferenceWays.map((w) => w.plan).join(', ');
  const errs: FieldError[] = [];
  if (classes.length !== 1) errs.push(field.required('spec', `exactly one of ${classList} required`));
  if (plans.length !== 1) errs.push(field.required('spec', `exactly one of ${planList} required`));
  if (classes.length === 1 && plans.length === 1 && classes[0] !== plans[0]) {
    errs.push(field.invalid(`spec.${plans[0].plan}`, spec[plans[0].plan], `the plan must be named the same way as the class (${classes[0].plan})`));
  }
  return errs;
}

/** Paths whose value may not change after create. */
export function validateImmutableSpecFields(spec: Record<string, unknown>, old: Record<string, unknown>, fields: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    if (!deepEqual(spec[f], old[f])) errs.push(field.invalid(`spec.${f}`, spec[f], 'field is immutable'));
  }
  return errs;
}

/** A new random external id, as the service catalog generated them (UUID v4). */
export function newExternalId(): string {
  return globalThis.crypto.randomUUID();
}

/** Keeps a generated external id across updates that leave it out. */
export function carryExternalId(obj: Record<string, unknown>, old: Record<string, unknown> | undefined): void {
  const spec = childRecord(obj, 'spec');
  const oldSpec = asRecord(old?.spec);
  if (!isSet(spec.externalID) && oldSpec && isSet(oldSpec.externalID)) spec.externalID = oldSpec.externalID;
}
