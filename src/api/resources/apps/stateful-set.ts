import { field, type FieldError } from '../../errors.js';
import { deepEqual, type KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { dns1123Label } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../validation/pod-spec.js';
import { ageColumn, containersColumn, imagesColumn, readyOfDesiredColumn } from '../../validation/workload-columns.js';
import { arrayOf, asRecord, childRecord, defaultField, defaultString, specOf } from '../../validation/workload-fields.js';
import {
  intOrPercentValue,
  validateAtMost100Percent,
  validateIntOrPercent,
  validateNonnegative,
  validateRequiredSelector,
  validateSelectorMatchesTemplate,
  validateWorkloadTemplate,
} from '../../validation/workload-validation.js';

/** apps/v1 SetDefaults_StatefulSet, the claim templates' PVC defaults, and the pod template's defaults. */
function defaultStatefulSet(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  defaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = childRecord(spec, 'updateStrategy');
  if (strategy.type === undefined || strategy.type === null || strategy.type === '') {
    strategy.type = 'RollingUpdate';
    childRecord(strategy, 'rollingUpdate');
  }
  const rollingUpdate = asRecord(strategy.rollingUpdate);
  if (strategy.type === 'RollingUpdate' && rollingUpdate) defaultField(rollingUpdate, 'partition', 0);
  const retention = childRecord(spec, 'persistentVolumeClaimRetentionPolicy');
  defaultString(retention, 'whenDeleted', 'Retain');
  defaultString(retention, 'whenScaled', 'Retain');
  defaultField(spec, 'replicas', 1);
  defaultField(spec, 'revisionHistoryLimit', 10);
  for (const claim of arrayOf(spec.volumeClaimTemplates)) {
    const pvc = asRecord(claim);
    if (!pvc) continue;
    // Claim templates are PersistentVolumeClaims and get their defaults (and a Pending phase) too.
    defaultField(childRecord(pvc, 'spec'), 'volumeMode', 'Filesystem');
    defaultString(childRecord(pvc, 'status'), 'phase', 'Pending');
  }
  if (asRecord(spec.template)) defaultPodTemplateSpec(spec.template);
}

function validateRetentionPolicy(policy: unknown, path: string): FieldError[] {
  const p = asRecord(policy);
  if (!p) return [];
  const errs: FieldError[] = [];
  for (const key of ['whenDeleted', 'whenScaled']) {
    if (p[key] !== 'Retain' && p[key] !== 'Delete') errs.push(field.notSupported(`${path}.${key}`, p[key] ?? '', ['Retain', 'Delete']));
  }
  return errs;
}

function validateUpdateStrategy(strategy: unknown, path: string): FieldError[] {
  const s = asRecord(strategy) ?? {};
  const rollingUpdate = s.rollingUpdate;
  switch (s.type) {
    case undefined:
    case null:
    case '':
      return [field.required(path)];
    case 'OnDelete':
      return rollingUpdate === undefined || rollingUpdate === null
        ? []
        : [field.invalid(`${path}.rollingUpdate`, rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")];
    case 'RollingUpdate': {
      const ru = asRecord(rollingUpdate);
      if (!ru) return [];
      const p = `${path}.rollingUpdate`;
      const errs = validateNonnegative(ru.partition, `${p}.partition`);
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        errs.push(...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'cannot be 0'));
        errs.push(...validateAtMost100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      }
      return errs;
    }
    default:
      return [field.invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  // Pods are named <statefulset>-<ordinal> and use that as hostname, so the name must be a DNS label.
  const errs = validateObjectMeta(obj, true, dns1123Label);
  const policy = spec.podManagementPolicy;
  if (policy === undefined || policy === null || policy === '') errs.push(field.required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') {
    errs.push(field.invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...validateUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...validateRetentionPolicy(spec.persistentVolumeClaimRetentionPolicy, 'spec.persistentVolumeClaimRetentionPolicy'));
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const ordinals = asRecord(spec.ordinals);
  if (ordinals) errs.push(...validateNonnegative(ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateRequiredSelector(spec.selector, 'spec.selector', 'statefulset'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, asRecord(spec.template) ?? {}, 'spec.template'));
  errs.push(...validateWorkloadTemplate(withClaimVolumes(spec.template, spec.volumeClaimTemplates), 'spec.template', 'StatefulSet'));
  return errs;
}

/**
 * The template as its pods will have it: volume mounts may name a claim template, whose volume the
 * controller adds to each pod, so those names count as volumes when the template is validated.
 */
function withClaimVolumes(template: unknown, claimTemplates: unknown): unknown {
  const tpl = asRecord(template);
  const podSpec = asRecord(tpl?.spec);
  if (!tpl || !podSpec || !Array.isArray(claimTemplates)) return template;
  const volumes = Array.isArray(podSpec.volumes) ? podSpec.volumes : [];
  const named = new Set(volumes.map((v) => asRecord(v)?.name));
  const added = claimTemplates
    .map((c) => asRecord(asRecord(c)?.metadata)?.name)
    .filter((n): n is string => typeof n === 'string' && n !== '' && !named.has(n))
    .map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  if (added.length === 0) return template;
  return { ...tpl, spec: { ...podSpec, volumes: [...volumes, ...added] } };
}

/** The spec fields a StatefulSet update may change; everything else is fixed at creation. */
const mutableSpecFields = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const rest = (o: KubeObject) => {
    const copy = { ...specOf(o) };
    for (const f of mutableSpecFields) delete copy[f];
    return copy;
  };
  if (!deepEqual(rest(obj), rest(old))) {
    errs.push(
      field.forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export const statefulSet = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  namespaced: true,
  schema: 'io.k8s.api.apps.v1.StatefulSet',
  shortNames: ['sts'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] } },
  strategy: { default: defaultStatefulSet, validate: validateStatefulSet, validateUpdate: validateStatefulSetUpdate },
  printerColumns: [
    readyOfDesiredColumn,
    ageColumn,
    containersColumn(),
    imagesColumn(),
  ],
});
