import type { FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../validation/pod-spec.js';
import { ageColumn, containersColumn, imagesColumn, selectorColumn } from '../../validation/workload-columns.js';
import { asRecord, childRecord, defaultField, intOf, specOf, statusOf } from '../../validation/workload-fields.js';
import {
  validateImmutable,
  validateNonnegative,
  validateRequiredSelector,
  validateSelectorMatchesTemplate,
  validateWorkloadTemplate,
} from '../../validation/workload-validation.js';

function defaultReplicaSet(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  defaultField(spec, 'replicas', 1);
  if (asRecord(spec.template)) defaultPodTemplateSpec(spec.template);
}

function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  // Kubernetes' ReplicaSet validation shares the Deployment wording here.
  errs.push(...validateRequiredSelector(spec.selector, 'spec.selector', 'deployment'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, asRecord(spec.template) ?? {}, 'spec.template'));
  errs.push(...validateWorkloadTemplate(spec.template, 'spec.template', 'ReplicaSet'));
  return errs;
}

function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateImmutable(specOf(obj).selector, specOf(old).selector, 'spec.selector')];
}

export const replicaSet = defineResource({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  namespaced: true,
  schema: 'io.k8s.api.apps.v1.ReplicaSet',
  shortNames: ['rs'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] } },
  strategy: { default: defaultReplicaSet, validate: validateReplicaSet, validateUpdate: validateReplicaSetUpdate },
  printerColumns: [
    {
      name: 'Desired',
      type: 'integer',
      description:
        'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
      priority: 0,
      cell: (obj) => intOf(specOf(obj).replicas),
    },
    {
      name: 'Current',
      type: 'integer',
      description:
        'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
      priority: 0,
      cell: (obj) => intOf(statusOf(obj).replicas),
    },
    {
      name: 'Ready',
      type: 'integer',
      description: 'The number of ready replicas for this replica set.',
      priority: 0,
      cell: (obj) => intOf(statusOf(obj).readyReplicas),
    },
    ageColumn,
    containersColumn(),
    imagesColumn(),
    selectorColumn(
      'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
    ),
  ],
  selectableFields: {
    'status.replicas': (obj) => String(intOf(statusOf(obj).replicas)),
  },
});
