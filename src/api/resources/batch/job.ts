import { field, type FieldError } from '../../errors.js';
import type { KubeObject, ObjectMeta } from '../../object.js';
import { defineResource, type WriteContext } from '../../resource.js';
import { dns1123Label } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../../validation/pod-spec.js';
import { labelSelectorMatches } from '../../validation/selector-match.js';
import { validateLabelSelector } from '../../validation/label-selector-validation.js';
import { ageColumn, containersColumn, humanDuration, imagesColumn, selectorColumn } from '../../validation/workload-columns.js';
import {
  arrayOf,
  asRecord,
  childRecord,
  defaultField,
  intOf,
  specOf,
  statusOf,
  stringMap,
  type JsonRecord,
} from '../../validation/workload-fields.js';
import { validateImmutable, validateNonnegative, validateSelectorMatchesTemplate } from '../../validation/workload-validation.js';

/** Labels the Job strategy puts on pod templates to tie pods to their Job. */
export const jobLabels = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

// An Indexed Job's status lists completed indexes; this bound keeps that list short.
const maxParallelismForIndexedJob = 100000;

/**
 * batch/v1 SetDefaults_Job for a JobSpec; `meta` receives the template's labels when it has none, as
 * the Job defaulter does (CronJob job templates skip that part).
 */
export function defaultJobSpec(spec: JsonRecord, meta?: ObjectMeta): void {
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  defaultField(spec, 'parallelism', 1);
  // Per-index limits replace the Job-wide one, which then must never trip.
  defaultField(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  const templateLabels = stringMap(asRecord(asRecord(spec.template)?.metadata)?.labels);
  if (meta && templateLabels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...templateLabels };
  defaultField(spec, 'completionMode', 'NonIndexed');
  defaultField(spec, 'suspend', false);
  defaultField(spec, 'manualSelector', false);
  const failurePolicy = asRecord(spec.podFailurePolicy);
  for (const rule of arrayOf(failurePolicy?.rules)) {
    for (const pattern of arrayOf(asRecord(rule)?.onPodConditions)) {
      const p = asRecord(pattern);
      if (p && (p.status === undefined || p.status === null || p.status === '')) p.status = 'True';
    }
  }
  defaultField(spec, 'podReplacementPolicy', failurePolicy ? 'Failed' : 'TerminatingOrFailed');
  if (asRecord(spec.template)) defaultPodTemplateSpec(spec.template);
}

/**
 * On create, unless `manualSelector` is true, label the pod template with the Job's uid and name and
 * select the uid label: pods of this Job then match no other controller.
 */
function generateSelector(obj: KubeObject, ctx: WriteContext): void {
  if (ctx.old || ctx.subresource) return;
  const spec = childRecord(obj, 'spec');
  if (spec.manualSelector === true) return;
  const template = childRecord(spec, 'template');
  const labels = childRecord(childRecord(template, 'metadata'), 'labels');
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  for (const key of [jobLabels.legacyJobName, jobLabels.jobName]) if (!(key in labels)) labels[key] = name;
  for (const key of [jobLabels.legacyControllerUid, jobLabels.controllerUid]) if (!(key in labels)) labels[key] = uid;
  const matchLabels = childRecord(childRecord(spec, 'selector'), 'matchLabels');
  if (!(jobLabels.controllerUid in matchLabels)) matchLabels[jobLabels.controllerUid] = uid;
}

/** validateJobSpec: the JobSpec rules shared by Jobs and CronJob job templates. */
export function validateJobSpecFields(spec: JsonRecord, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    errs.push(...validateNonnegative(spec[f], `${path}.${f}`));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(field.notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions === undefined || spec.completions === null) errs.push(field.required(`${path}.completions`, 'when completion mode is Indexed'));
      if (intOf(spec.parallelism) > maxParallelismForIndexedJob) {
        errs.push(
          field.invalid(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`),
        );
      }
    }
  }
  const tplPath = `${path}.template`;
  errs.push(...validatePodTemplateSpec(spec.template ?? {}, tplPath));
  const restartPolicy = asRecord(asRecord(spec.template)?.spec)?.restartPolicy;
  if (restartPolicy === 'Always' || restartPolicy === undefined || restartPolicy === null || restartPolicy === '') {
    errs.push(field.required(`${tplPath}.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(field.notSupported(`${tplPath}.spec.restartPolicy`, restartPolicy, ['OnFailure', 'Never']));
  } else if (spec.podFailurePolicy && restartPolicy !== 'Never') {
    errs.push(field.invalid(`${tplPath}.spec.restartPolicy`, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** validateGeneratedSelector: a generated selector must select the uid and name labels on the template. */
function validateGeneratedSelector(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  if (spec.manualSelector === true || spec.selector === undefined || spec.selector === null) return [];
  const errs: FieldError[] = [];
  const uid = obj.metadata.uid ?? '';
  const name = obj.metadata.name ?? '';
  if (uid === '') errs.push(field.required('metadata.uid'));
  const labels = stringMap(asRecord(asRecord(spec.template)?.metadata)?.labels) ?? {};
  const expected: Record<string, string> = {};
  const want: [string, string][] = [
    [jobLabels.legacyControllerUid, uid],
    [jobLabels.legacyJobName, name],
    [jobLabels.controllerUid, uid],
    [jobLabels.jobName, name],
  ];
  for (const [key, value] of want) {
    expected[key] = value;
    // Kubernetes' ValidateHasLabel puts the expected value where a message would go.
    if (labels[key] === undefined) errs.push(field.required(`spec.template.metadata.labels[${key}]`, value));
    else if (labels[key] !== value) errs.push(field.invalid(`spec.template.metadata.labels[${key}]`, labels, value));
  }
  if (labelSelectorMatches(spec.selector, expected) === false) {
    errs.push(field.invalid('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
  return errs;
}

function validateJob(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  // Jobs share the ReplicationController name rule: a DNS subdomain.
  const errs = validateObjectMeta(obj, true);
  errs.push(...validateGeneratedSelector(obj));
  errs.push(...validateJobSpecFields(spec, 'spec'));
  if (spec.selector === undefined || spec.selector === null) errs.push(field.required('spec.selector'));
  else errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, asRecord(spec.template) ?? {}, 'spec.template'));
  const completions = intOf(spec.completions);
  if (spec.completionMode === 'Indexed' && completions > 0) {
    // Indexed pods get the hostname <job>-<index>, which must stay a DNS label.
    const hostname = `${obj.metadata.name ?? ''}-${completions - 1}`;
    if (dns1123Label(hostname).length > 0) {
      errs.push(field.invalid('metadata.name', obj.metadata.name, `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

function validateJobUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs: FieldError[] = [];
  errs.push(...validateImmutable(spec.completions, oldSpec.completions, 'spec.completions'));
  errs.push(...validateImmutable(spec.selector, oldSpec.selector, 'spec.selector'));
  errs.push(...validateImmutable(templateForComparison(spec, old), oldSpec.template, 'spec.template'));
  errs.push(...validateImmutable(spec.completionMode, oldSpec.completionMode, 'spec.completionMode'));
  errs.push(...validateImmutable(spec.podFailurePolicy, oldSpec.podFailurePolicy, 'spec.podFailurePolicy'));
  return errs;
}

/**
 * The new template with the scheduling directives a suspended, never-started Job may change (node
 * affinity, node selector, tolerations, labels, annotations, scheduling gates) taken from the old one, so
 * only the rest is compared.
 */
function templateForComparison(spec: JsonRecord, old: KubeObject): unknown {
  const oldSpec = specOf(old);
  const suspended = oldSpec.suspend === true;
  const notStarted = statusOf(old).startTime === undefined || statusOf(old).startTime === null;
  const tpl = asRecord(spec.template);
  const oldTpl = asRecord(oldSpec.template);
  if (!suspended || !notStarted || !tpl || !oldTpl) return spec.template;
  const copy = structuredClone(tpl);
  const meta = childRecord(copy, 'metadata');
  const oldMeta = asRecord(oldTpl.metadata) ?? {};
  for (const f of ['labels', 'annotations']) setOrDelete(meta, f, oldMeta[f]);
  if (Object.keys(meta).length === 0 && oldTpl.metadata === undefined) delete copy.metadata;
  const podSpec = childRecord(copy, 'spec');
  const oldPodSpec = asRecord(oldTpl.spec) ?? {};
  for (const f of ['nodeSelector', 'tolerations', 'schedulingGates']) setOrDelete(podSpec, f, oldPodSpec[f]);
  const affinity = asRecord(podSpec.affinity);
  const oldAffinity = asRecord(oldPodSpec.affinity);
  if (affinity || oldAffinity) {
    const merged = { ...(affinity ?? {}) };
    setOrDelete(merged, 'nodeAffinity', oldAffinity?.nodeAffinity);
    if (Object.keys(merged).length === 0 && !oldAffinity) delete podSpec.affinity;
    else podSpec.affinity = merged;
  }
  return copy;
}

function setOrDelete(o: JsonRecord, key: string, value: unknown): void {
  if (value === undefined) delete o[key];
  else o[key] = value;
}

function hasCondition(obj: KubeObject, type: string): boolean {
  const c = arrayOf(statusOf(obj).conditions)
    .map((x) => asRecord(x) ?? {})
    .find((x) => x.type === type);
  return c?.status === 'True';
}

/** The STATUS cell, in the order of precedence kubectl uses. */
function jobStatus(obj: KubeObject): string {
  if (hasCondition(obj, 'Complete')) return 'Complete';
  if (hasCondition(obj, 'Failed')) return 'Failed';
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(obj, 'Suspended')) return 'Suspended';
  if (hasCondition(obj, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(obj: KubeObject): string {
  const spec = specOf(obj);
  const succeeded = intOf(statusOf(obj).succeeded);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = intOf(spec.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(obj: KubeObject, now: number): string {
  const status = statusOf(obj);
  const start = typeof status.startTime === 'string' ? Date.parse(status.startTime) : NaN;
  if (Number.isNaN(start)) return '';
  const end = typeof status.completionTime === 'string' ? Date.parse(status.completionTime) : NaN;
  return humanDuration((Number.isNaN(end) ? now : end) - start);
}

export const job = defineResource({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  namespaced: true,
  schema: 'io.k8s.api.batch.v1.Job',
  categories: ['all'],
  subresources: { status: true },
  strategy: {
    prepare: generateSelector,
    default: (obj) => defaultJobSpec(childRecord(obj, 'spec'), obj.metadata),
    validate: validateJob,
    validateUpdate: validateJobUpdate,
  },
  printerColumns: [
    { name: 'Status', type: 'string', description: 'Status of the job.', priority: 0, cell: jobStatus },
    {
      name: 'Completions',
      type: 'string',
      description:
        'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
      priority: 0,
      cell: jobCompletions,
    },
    { name: 'Duration', type: 'string', description: 'Time required to complete the job.', priority: 0, cell: jobDuration },
    ageColumn,
    containersColumn(),
    imagesColumn(),
    selectorColumn(
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
    ),
  ],
  selectableFields: {
    'status.successful': (obj) => String(intOf(statusOf(obj).succeeded)),
  },
});
