import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../validation/pod-spec.js';
import { formatLabels } from '../../validation/selector-format.js';
import { ageColumn, containersColumn, imagesColumn, selectorColumn } from '../../validation/workload-columns.js';
import { asRecord, childRecord, defaultField, defaultString, intOf, specOf, statusOf } from '../../validation/workload-fields.js';
import { isEmptyLabelSelector, validateLabelSelector } from '../../validation/label-selector-validation.js';
import {
  intOrPercentValue,
  validateAtMost100Percent,
  validateImmutable,
  validateIntOrPercent,
  validateNonnegative,
  validateSelectorMatchesTemplate,
  validateWorkloadTemplate,
} from '../../validation/workload-validation.js';

/** apps/v1 SetDefaults_DaemonSet plus the pod template's defaults. */
function defaultDaemonSet(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  const strategy = childRecord(spec, 'updateStrategy');
  defaultString(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = childRecord(strategy, 'rollingUpdate');
    defaultField(rollingUpdate, 'maxUnavailable', 1);
    defaultField(rollingUpdate, 'maxSurge', 0);
  }
  defaultField(spec, 'revisionHistoryLimit', 10);
  if (asRecord(spec.template)) defaultPodTemplateSpec(spec.template);
}

function validateUpdateStrategy(strategy: unknown, path: string): FieldError[] {
  const s = asRecord(strategy) ?? {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = asRecord(s.rollingUpdate);
      const p = `${path}.rollingUpdate`;
      if (!ru) return [field.required(p)];
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
        ...validateAtMost100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validateAtMost100Percent(ru.maxSurge, `${p}.maxSurge`),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(field.invalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(field.required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [field.notSupported(path, strategy, ['RollingUpdate', 'OnDelete'])];
  }
}

function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, asRecord(spec.template) ?? {}, 'spec.template'));
  if (isEmptyLabelSelector(spec.selector)) errs.push(field.invalid('spec.selector', spec.selector, 'empty selector is invalid for daemonset'));
  errs.push(...validateWorkloadTemplate(spec.template, 'spec.template', 'DaemonSet'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.templateGeneration, 'spec.templateGeneration'));
  errs.push(...validateUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

function validateDaemonSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateImmutable(specOf(obj).selector, specOf(old).selector, 'spec.selector')];
}

const status = (obj: KubeObject, key: string) => intOf(statusOf(obj)[key]);

export const daemonSet = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  namespaced: true,
  schema: 'io.k8s.api.apps.v1.DaemonSet',
  shortNames: ['ds'],
  categories: ['all'],
  subresources: { status: true },
  strategy: { default: defaultDaemonSet, validate: validateDaemonSet, validateUpdate: validateDaemonSetUpdate },
  printerColumns: [
    {
      name: 'Desired',
      type: 'integer',
      description:
        'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
      priority: 0,
      cell: (obj) => status(obj, 'desiredNumberScheduled'),
    },
    {
      name: 'Current',
      type: 'integer',
      description:
        'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
      priority: 0,
      cell: (obj) => status(obj, 'currentNumberScheduled'),
    },
    {
      name: 'Ready',
      type: 'integer',
      description: 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
      priority: 0,
      cell: (obj) => status(obj, 'numberReady'),
    },
    {
      name: 'Up-to-date',
      type: 'integer',
      description: 'The total number of nodes that are running updated daemon pod',
      priority: 0,
      cell: (obj) => status(obj, 'updatedNumberScheduled'),
    },
    {
      name: 'Available',
      type: 'integer',
      description:
        'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
      priority: 0,
      cell: (obj) => status(obj, 'numberAvailable'),
    },
    {
      name: 'Node Selector',
      type: 'string',
      description:
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
      priority: 0,
      cell: (obj) => formatLabels(asRecord(asRecord(specOf(obj).template)?.spec)?.nodeSelector),
    },
    ageColumn,
    containersColumn(),
    imagesColumn(),
    selectorColumn(
      'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
    ),
  ],
});
