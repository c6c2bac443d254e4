import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../validation/pod-spec.js';
import { labelSelectorString } from '../../validation/selector-format.js';
import { ageColumn, containersColumn, imagesColumn, readyOfDesiredColumn } from '../../validation/workload-columns.js';
import { asRecord, childRecord, defaultField, defaultString, intOf, specOf, statusOf } from '../../validation/workload-fields.js';
import {
  intOrPercentValue,
  validateAtMost100Percent,
  validateImmutable,
  validateIntOrPercent,
  validateNonnegative,
  validateRequiredSelector,
  validateSelectorMatchesTemplate,
  validateWorkloadTemplate,
} from '../../validation/workload-validation.js';

/** apps/v1 SetDefaults_Deployment plus the pod template's defaults. */
function defaultDeployment(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  defaultField(spec, 'replicas', 1);
  const strategy = childRecord(spec, 'strategy');
  defaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = childRecord(strategy, 'rollingUpdate');
    defaultField(rollingUpdate, 'maxUnavailable', '25%');
    defaultField(rollingUpdate, 'maxSurge', '25%');
  }
  defaultField(spec, 'revisionHistoryLimit', 10);
  defaultField(spec, 'progressDeadlineSeconds', 600);
  if (asRecord(spec.template)) defaultPodTemplateSpec(spec.template);
}

function validateStrategy(strategy: unknown, path: string): FieldError[] {
  const s = asRecord(strategy) ?? {};
  switch (s.type) {
    case 'Recreate':
      if (s.rollingUpdate !== undefined && s.rollingUpdate !== null) {
        return [field.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")];
      }
      return [];
    case 'RollingUpdate': {
      const ru = asRecord(s.rollingUpdate);
      if (!ru) return [field.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const p = `${path}.rollingUpdate`;
      const errs = [...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`)];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(field.invalid(`${p}.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...validateAtMost100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      return errs;
    }
    default:
      return [field.notSupported(path, strategy, ['Recreate', 'RollingUpdate'])];
  }
}

function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateRequiredSelector(spec.selector, 'spec.selector', 'deployment'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, asRecord(spec.template) ?? {}, 'spec.template'));
  errs.push(...validateWorkloadTemplate(spec.template, 'spec.template', 'ReplicaSet'));
  errs.push(...validateStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds !== null) {
    errs.push(...validateNonnegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (intOf(spec.progressDeadlineSeconds) <= intOf(spec.minReadySeconds)) {
      errs.push(field.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [
        // apps/v1 made the selector immutable: changing it would orphan the existing ReplicaSets.
    ...validateImmutable(specOf(obj).selector, specOf(old).selector, 'spec.selector'),
  ];
}

export const deployment = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
  schema: 'io.k8s.api.apps.v1.Deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] } },
  strategy: { default: defaultDeployment, validate: validateDeployment, validateUpdate: validateDeploymentUpdate },
  printerColumns: [
    readyOfDesiredColumn,
    {
      name: 'Up-to-date',
      type: 'string',
      description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      priority: 0,
      cell: (obj) => intOf(statusOf(obj).updatedReplicas),
    },
    {
      name: 'Available',
      type: 'string',
      description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      priority: 0,
      cell: (obj) => intOf(statusOf(obj).availableReplicas),
    },
    ageColumn,
    containersColumn(),
    imagesColumn(),
    {
      name: 'Selector',
      type: 'string',
      description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
      priority: 1,
      // Deployments print the bare selector string (no `<none>`), `<invalid>` when it cannot be parsed.
      cell: (obj) => labelSelectorString(specOf(obj).selector) ?? '<invalid>',
    },
  ],
});
