import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { arr, num, rec, str, type JsonRecord } from '../../validation/json-access.js';
import { validateLabels, validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../../validation/pod-spec.js';
import { formatLabels } from './printer-helpers.js';

function specOf(o: KubeObject): JsonRecord {
  return rec(o.spec) ?? {};
}

/** Selector and object labels default to the template's labels; replicas to 1. */
function defaultRC(obj: KubeObject): void {
  const spec = rec(obj.spec);
  if (!spec) return;
  const template = rec(spec.template);
  const labels = rec(rec(template?.metadata)?.labels);
  if (labels) {
    if (Object.keys(rec(spec.selector) ?? {}).length === 0) spec.selector = { ...labels };
    if (Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...(labels as Record<string, string>) };
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (template) defaultPodTemplateSpec(template);
}

function nonNegative(v: unknown, path: string, errs: FieldError[]): void {
  const n = num(v);
  if (n !== undefined && n < 0) errs.push(field.invalid(path, n, 'must be greater than or equal to 0'));
}

function validateRC(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  const spec = specOf(obj);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errs);
  const selector = rec(spec.selector) ?? {};
  if (Object.keys(selector).length === 0) errs.push(field.required('spec.selector'));
  else errs.push(...validateLabels(selector, 'spec.selector'));
  nonNegative(spec.replicas, 'spec.replicas', errs);
  const template = rec(spec.template);
  if (!template) {
    errs.push(field.required('spec.template'));
  } else {
    const labels = rec(rec(template.metadata)?.labels) ?? {};
    const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
    if (Object.keys(selector).length > 0 && !matches) {
      errs.push(field.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
    }
    errs.push(...validatePodTemplateSpec(template, 'spec.template'));
    const tplSpec = rec(template.spec) ?? {};
    if (tplSpec.restartPolicy !== 'Always') errs.push(field.notSupported('spec.template.spec.restartPolicy', tplSpec.restartPolicy ?? '', ['Always']));
    if (tplSpec.activeDeadlineSeconds !== undefined && tplSpec.activeDeadlineSeconds !== null) {
      errs.push(field.forbidden('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
    }
  }
  const status = rec(obj.status) ?? {};
  for (const f of ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) {
    nonNegative(status[f], `status.${f}`, errs);
  }
  const replicas = num(status.replicas) ?? 0;
  for (const f of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    const v = num(status[f]);
    if (v !== undefined && v > replicas) errs.push(field.invalid(`status.${f}`, v, 'cannot be greater than status.replicas'));
  }
  return errs;
}

export const replicationController = defineResource({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ReplicationController',
  shortNames: ['rc'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'] } },
  strategy: {
    prepare(obj, ctx) {
      if (!ctx.old) obj.status = { replicas: 0 };
    },
    default: defaultRC,
    validate: validateRC,
  },
  printerColumns: [
    {
      name: 'Desired',
      type: 'integer',
      description:
        'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller',
      priority: 0,
      cell: (o) => num(specOf(o).replicas) ?? 0,
    },
    {
      name: 'Current',
      type: 'integer',
      description: 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller',
      priority: 0,
      cell: (o) => num(rec(o.status)?.replicas) ?? 0,
    },
    {
      name: 'Ready',
      type: 'integer',
      description: 'The number of ready replicas for this replication controller.',
      priority: 0,
      cell: (o) => num(rec(o.status)?.readyReplicas) ?? 0,
    },
    ageColumn(),
    {
      name: 'Containers',
      type: 'string',
      description: 'Names of each container in the template.',
      priority: 1,
      cell: (o) => arr(rec(rec(specOf(o).template)?.spec)?.containers).map((c) => str(rec(c)?.name)).join(','),
    },
    {
      name: 'Images',
      type: 'string',
      description: 'Images referenced by each container in the template.',
      priority: 1,
      cell: (o) => arr(rec(rec(specOf(o).template)?.spec)?.containers).map((c) => str(rec(c)?.image)).join(','),
    },
    {
      name: 'Selector',
      type: 'string',
      description:
        'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      priority: 1,
      cell: (o) => formatLabels(specOf(o).selector),
    },
  ],
  selectableFields: {
    'status.replicas': (o) => String(num(rec(o.status)?.replicas) ?? 0),
  },
});
