import { field, type FieldError } from '../errors.js';
import { deepEqual, type KubeObject } from '../object.js';
import { arr, num, rec, str, type JsonRecord } from './json-access.js';
import { validateTolerations } from './scheduling-validation.js';

/**
 * What an update may change in a pod's spec: container images, a shorter activeDeadlineSeconds, added
 * tolerations (or their tolerationSeconds), removed scheduling gates, and while the pod is gated, added
 * nodeSelector entries and node affinity. Anything else is Kubernetes' "pod updates may not change
 * fields other than ..." error.
 */

const forbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function validateContainerUpdates(next: unknown[], old: unknown[], path: string): { errors: FieldError[]; stop: boolean } {
  if (next.length !== old.length) return { errors: [field.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errors: FieldError[] = [];
  next.forEach((c, i) => {
    const image = str(rec(c)?.image);
    if (!image) errors.push(field.required(`${path}[${i}].image`));
    if (image.trim() !== image) errors.push(field.invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errors, stop: false };
}

function validateOnlyAddedTolerations(next: unknown[], old: unknown[], path: string): FieldError[] {
  for (const o of old) {
    const found = next.some((n) => {
      const clone = { ...(rec(o) ?? {}) };
      const nt = rec(n) ?? {};
      if (nt.tolerationSeconds === undefined) delete clone.tolerationSeconds;
      else clone.tolerationSeconds = nt.tolerationSeconds;
      return deepEqual(clone, nt);
    });
    if (!found) return [field.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedSchedulingGates(next: unknown[], old: unknown[], path: string): FieldError[] {
  const oldNames = new Set(old.map((g) => str(rec(g)?.name)));
  return next
    .map((g) => str(rec(g)?.name))
    .filter((n) => !oldNames.has(n))
    .map((n) => field.forbidden(path, `only deletion is allowed, but found new scheduling gate '${n}'`));
}

/** Gated pods may narrow where they run: added nodeSelector entries, added node affinity requirements. */
function mungeGatedFields(munged: JsonRecord, old: JsonRecord, path: string, errs: FieldError[]): void {
  if (!deepEqual(munged.nodeSelector, old.nodeSelector)) {
    const next = rec(munged.nodeSelector) ?? {};
    const prev = rec(old.nodeSelector) ?? {};
    if (Object.entries(prev).some(([k, v]) => next[k] !== v)) {
      errs.push(field.invalid(`${path}.nodeSelector`, next, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
    }
    if (old.nodeSelector === undefined) delete munged.nodeSelector;
    else munged.nodeSelector = old.nodeSelector;
  }
  const oldNA = rec(old.affinity)?.nodeAffinity;
  const newNA = rec(munged.affinity)?.nodeAffinity;
  if (deepEqual(oldNA, newNA)) return;
  const oldTerms = arr(rec(rec(oldNA)?.requiredDuringSchedulingIgnoredDuringExecution)?.nodeSelectorTerms);
  const newTerms = arr(rec(rec(newNA)?.requiredDuringSchedulingIgnoredDuringExecution)?.nodeSelectorTerms);
  const termsPath = `${path}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
  if (oldTerms.length > 0) {
    if (oldTerms.length !== newTerms.length) {
      errs.push(field.invalid(termsPath, newTerms, 'number of nodeSelectorTerms cannot be changed'));
    } else {
      oldTerms.forEach((ot, i) => {
        for (const list of ['matchExpressions', 'matchFields']) {
          const o = arr(rec(ot)?.[list]);
          const n = arr(rec(newTerms[i])?.[list]);
          if (o.some((req, j) => !deepEqual(req, n[j]))) {
            errs.push(field.invalid(`${termsPath}[${i}].${list}`, n, 'only additions are allowed (no mutations or deletions)'));
          }
        }
      });
    }
  }
  const affinity = { ...(rec(munged.affinity) ?? {}) };
  if (oldNA === undefined) delete affinity.nodeAffinity;
  else affinity.nodeAffinity = oldNA;
  if (Object.keys(affinity).length === 0 && old.affinity === undefined) delete munged.affinity;
  else munged.affinity = affinity;
}

/** A short account of which spec fields differ, appended to the forbidden message as Kubernetes appends a diff. */
function describeDiff(old: JsonRecord, next: JsonRecord): string {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  const lines: string[] = [];
  for (const k of keys) {
    if (deepEqual(old[k], next[k])) continue;
    if (old[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(next[k])},`);
  }
  return `  core.PodSpec{\n${lines.join('\n')}\n  }`;
}

export function validatePodUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(next.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(arr(spec[list]), arr(oldSpec[list]), `spec.${list}`);
    errs.push(...r.errors);
    if (r.stop) return errs;
  }
  const ads = spec.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) {
    const v = num(ads) ?? -1;
    if (v < 0 || v > 2147483647) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', ads, 'must be between 0 and 2147483647, inclusive'));
      return errs;
    }
    const prev = num(oldSpec.activeDeadlineSeconds);
    if (prev !== undefined && prev < v) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldSpec.activeDeadlineSeconds !== undefined && oldSpec.activeDeadlineSeconds !== null) {
    errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  if (arr(oldSpec.tolerations).length > 0) errs.push(...validateOnlyAddedTolerations(arr(spec.tolerations), arr(oldSpec.tolerations), 'spec.tolerations'));
  errs.push(...validateOnlyDeletedSchedulingGates(arr(spec.schedulingGates), arr(oldSpec.schedulingGates), 'spec.schedulingGates'));
  if (deepEqual(spec, oldSpec)) return errs;

  const munged: JsonRecord = structuredClone(spec);
  const mungeList = (list: string) => {
    if (!Array.isArray(munged[list])) return;
    munged[list] = (munged[list] as unknown[]).map((c, i) => ({ ...(rec(c) ?? {}), image: rec(arr(oldSpec[list])[i])?.image }));
  };
  mungeList('containers');
  mungeList('initContainers');
  for (const k of ['activeDeadlineSeconds', 'schedulingGates', 'tolerations']) {
    if (oldSpec[k] === undefined) delete munged[k];
    else munged[k] = oldSpec[k];
  }
  const oldGrace = num(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldGrace;
  }
  if (arr(oldSpec.schedulingGates).length > 0) mungeGatedFields(munged, oldSpec, 'spec', errs);
  if (!deepEqual(munged, oldSpec)) errs.push(field.forbidden('spec', `${forbiddenMessage}\n${describeDiff(oldSpec, munged)}`));
  return errs;
}
