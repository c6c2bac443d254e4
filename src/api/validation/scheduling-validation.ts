import { field, type FieldError } from '../errors.js';
import { arr, num, rec, str } from './json-access.js';
import { setOperatorValueErrors, validateLabelName, validateLabelSelector } from './label-selector-validation.js';
import { dns1123Label, dns1123Subdomain, labelValue } from './names.js';

/**
 * The pod spec fields the scheduler reads: node affinity, pod (anti-)affinity, tolerations and
 * topology spread constraints, with Kubernetes' paths and messages.
 */

/** A NodeSelectorRequirement of `matchExpressions` (node labels). */
function validateNodeSelectorRequirement(raw: unknown, path: string): FieldError[] {
  const req = rec(raw) ?? {};
  const values = arr(req.values);
  // Node selectors add the numeric operators to the set-based ones of label selectors.
  const numeric = req.operator === 'Gt' || req.operator === 'Lt';
  const errs: FieldError[] = numeric
    ? []
    : setOperatorValueErrors(req.operator, values, path) ?? [field.invalid(`${path}.operator`, req.operator ?? '', 'not a valid selector operator')];
  if (numeric && values.length !== 1) errs.push(field.required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  errs.push(...validateLabelName(str(req.key), `${path}.key`));
  return errs;
}

/** A NodeSelectorRequirement of `matchFields`: only `metadata.name`, with In/NotIn and one value. */
function validateNodeFieldSelectorRequirement(raw: unknown, path: string): FieldError[] {
  const req = rec(raw) ?? {};
  const errs: FieldError[] = [];
  const values = arr(req.values);
  if (req.operator === 'In' || req.operator === 'NotIn') {
    if (values.length !== 1) errs.push(field.required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(field.invalid(`${path}.operator`, req.operator ?? '', 'not a valid selector operator'));
  }
  if (req.key !== 'metadata.name') errs.push(field.invalid(`${path}.key`, req.key ?? '', 'not a valid field selector key'));
  else values.forEach((v, i) => {
    for (const m of dns1123Subdomain(str(v))) errs.push(field.invalid(`${path}.values[${i}]`, v, m));
  });
  return errs;
}

export function validateNodeSelectorTerm(raw: unknown, path: string): FieldError[] {
  const term = rec(raw) ?? {};
  const errs: FieldError[] = [];
  arr(term.matchExpressions).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, `${path}.matchExpressions[${i}]`)));
  arr(term.matchFields).forEach((r, i) => errs.push(...validateNodeFieldSelectorRequirement(r, `${path}.matchFields[${i}]`)));
  return errs;
}

/** A NodeSelector (required node affinity, PV node affinity): at least one term. */
export function validateNodeSelector(raw: unknown, path: string): FieldError[] {
  const terms = arr(rec(raw)?.nodeSelectorTerms);
  if (terms.length === 0) return [field.required(`${path}.nodeSelectorTerms`, 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, `${path}.nodeSelectorTerms[${i}]`));
}

function validateWeight(weight: unknown, path: string): FieldError[] {
  const w = num(weight) ?? 0;
  return w <= 0 || w > 100 ? [field.invalid(path, weight ?? 0, 'must be in the range 1-100')] : [];
}

function validateNodeAffinity(raw: unknown, path: string): FieldError[] {
  const na = rec(raw) ?? {};
  const errs: FieldError[] = [];
  const required = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (required !== undefined && required !== null) {
    errs.push(...validateNodeSelector(required, `${path}.requiredDuringSchedulingIgnoredDuringExecution`));
  }
  arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const ip = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    errs.push(...validateWeight(rec(t)?.weight, `${ip}.weight`));
    errs.push(...validateNodeSelectorTerm(rec(t)?.preference, `${ip}.preference`));
  });
  return errs;
}

function validatePodAffinityTerm(raw: unknown, path: string): FieldError[] {
  const term = rec(raw) ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(term.labelSelector, `${path}.labelSelector`));
  errs.push(...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of arr(term.namespaces)) {
    for (const m of dns1123Label(str(ns))) errs.push(field.invalid(`${path}.namespace`, ns, m));
  }
  const keys = new Set(Object.keys(rec(rec(term.labelSelector)?.matchLabels) ?? {}));
  for (const list of ['matchLabelKeys', 'mismatchLabelKeys']) {
    arr(term[list]).forEach((k, i) => {
      errs.push(...validateLabelName(str(k), `${path}.${list}[${i}]`));
      if (keys.has(str(k))) errs.push(field.invalid(`${path}.${list}[${i}]`, k, 'exists in both matchLabelKeys and labelSelector'));
    });
  }
  const topologyKey = str(term.topologyKey);
  if (!topologyKey) errs.push(field.required(`${path}.topologyKey`, 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, `${path}.topologyKey`));
  return errs;
}

function validatePodAffinity(raw: unknown, path: string): FieldError[] {
  const pa = rec(raw) ?? {};
  const errs: FieldError[] = [];
  arr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
    errs.push(...validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)),
  );
  arr(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
    const ip = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    errs.push(...validateWeight(rec(t)?.weight, `${ip}.weight`));
    errs.push(...validatePodAffinityTerm(rec(t)?.podAffinityTerm, `${ip}.podAffinityTerm`));
  });
  return errs;
}

export function validateAffinity(raw: unknown, path: string): FieldError[] {
  const a = rec(raw);
  if (!a) return [];
  const errs: FieldError[] = [];
  if (a.nodeAffinity) errs.push(...validateNodeAffinity(a.nodeAffinity, `${path}.nodeAffinity`));
  if (a.podAffinity) errs.push(...validatePodAffinity(a.podAffinity, `${path}.podAffinity`));
  if (a.podAntiAffinity) errs.push(...validatePodAffinity(a.podAntiAffinity, `${path}.podAntiAffinity`));
  return errs;
}

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(tolerations).forEach((raw, i) => {
    const t = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const key = str(t.key);
    const operator = str(t.operator);
    const effect = str(t.effect);
    const value = str(t.value);
    if (key) errs.push(...validateLabelName(key, `${ip}.key`));
    if (!key && operator !== 'Exists') {
      errs.push(field.invalid(`${ip}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(field.invalid(`${ip}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const msgs = labelValue(value);
      if (msgs.length) errs.push(field.invalid(`${ip}.operator`, value, msgs.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(field.invalid(`${ip}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(field.notSupported(`${ip}.operator`, operator, ['Equal', 'Exists']));
    }
    if (effect && !taintEffects.includes(effect)) errs.push(field.notSupported(`${ip}.effect`, effect, taintEffects));
  });
  return errs;
}

const nodeInclusionPolicies = ['Honor', 'Ignore'];
const scheduleActions = ['DoNotSchedule', 'ScheduleAnyway'];

export function validateTopologySpreadConstraints(constraints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(constraints);
  list.forEach((raw, i) => {
    const c = rec(raw) ?? {};
    const ip = `${path}[${i}]`;
    const maxSkew = num(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(field.invalid(`${ip}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    const topologyKey = str(c.topologyKey);
    if (!topologyKey) errs.push(field.required(`${ip}.topologyKey`, 'can not be empty'));
    const action = str(c.whenUnsatisfiable);
    if (!scheduleActions.includes(action)) errs.push(field.notSupported(`${ip}.whenUnsatisfiable`, action, scheduleActions));
    const repeated = list.slice(i + 1).some((o) => str(rec(o)?.topologyKey) === topologyKey && str(rec(o)?.whenUnsatisfiable) === action);
    if (repeated) errs.push(field.duplicate(`${ip}.{topologyKey, whenUnsatisfiable}`, `{${topologyKey}, ${action}}`));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      const minDomains = num(c.minDomains) ?? 0;
      if (minDomains <= 0) errs.push(field.invalid(`${ip}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') {
        errs.push(field.invalid(`${ip}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
      }
    }
    for (const p of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[p] !== undefined && c[p] !== null && !nodeInclusionPolicies.includes(str(c[p]))) {
        errs.push(field.notSupported(`${ip}.${p}`, c[p], nodeInclusionPolicies));
      }
    }
    const selectorKeys = new Set(Object.keys(rec(rec(c.labelSelector)?.matchLabels) ?? {}));
    arr(c.matchLabelKeys).forEach((k, j) => {
      errs.push(...validateLabelName(str(k), `${ip}.matchLabelKeys[${j}]`));
      if (selectorKeys.has(str(k))) errs.push(field.invalid(`${ip}.matchLabelKeys[${j}]`, k, 'exists in both matchLabelKeys and labelSelector'));
    });
    errs.push(...validateLabelSelector(c.labelSelector, `${ip}.labelSelector`));
  });
  return errs;
}
