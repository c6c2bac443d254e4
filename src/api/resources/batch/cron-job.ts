import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { defaultPodTemplateSpec } from '../../validation/pod-spec.js';
import { ageColumn, containersColumn, imagesColumn, printBool, selectorColumn, timestampSince } from '../../validation/workload-columns.js';
import { arrayOf, asRecord, childRecord, defaultField, defaultString, specOf, statusOf } from '../../validation/workload-fields.js';
import { scheduleError, timeZoneErrors } from '../../validation/workload-schedule.js';
import { validateNonnegative } from '../../validation/workload-validation.js';
import { validateJobSpecFields } from './job.js';

// Jobs are named <cronjob>-<11-digit timestamp>, and a Job name must fit in 63 characters.
const maxCronJobNameLength = 63 - 11;

/** batch/v1 SetDefaults_CronJob; the job template gets only its pod template's defaults. */
function defaultCronJob(obj: KubeObject): void {
  const spec = childRecord(obj, 'spec');
  defaultString(spec, 'concurrencyPolicy', 'Allow');
  defaultField(spec, 'suspend', false);
  defaultField(spec, 'successfulJobsHistoryLimit', 3);
  defaultField(spec, 'failedJobsHistoryLimit', 1);
  const template = asRecord(asRecord(asRecord(spec.jobTemplate)?.spec)?.template);
  if (template) defaultPodTemplateSpec(template);
}

function validateSpec(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  const timeZone = spec.timeZone;
  if (schedule === '') errs.push(field.required('spec.schedule'));
  else {
    const parseErr = scheduleError(schedule);
    if (parseErr) errs.push(field.invalid('spec.schedule', schedule, parseErr));
    if (schedule.includes('TZ') && timeZone !== undefined && timeZone !== null) {
      errs.push(field.invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    }
  }
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (timeZone !== undefined && timeZone !== null) {
    for (const m of timeZoneErrors(String(timeZone))) errs.push(field.invalid('spec.timeZone', timeZone, m));
  }
  const policy = spec.concurrencyPolicy;
  if (policy === undefined || policy === null || policy === '') errs.push(field.required('spec.concurrencyPolicy'));
  else if (policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace') {
    errs.push(field.notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']));
  }
  const jobSpec = asRecord(asRecord(spec.jobTemplate)?.spec) ?? {};
  errs.push(...validateJobSpecFields(jobSpec, 'spec.jobTemplate.spec'));
  if (jobSpec.selector !== undefined && jobSpec.selector !== null) {
    errs.push(field.invalid('spec.jobTemplate.spec.selector', jobSpec.selector, '`selector` will be auto-generated'));
  }
  if (jobSpec.manualSelector === true) errs.push(field.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

function validateCronJob(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  errs.push(...validateSpec(obj));
  const name = obj.metadata.name ?? '';
  if (name.length > maxCronJobNameLength) errs.push(field.invalid('metadata.name', name, `must be no more than ${maxCronJobNameLength} characters`));
  return errs;
}

// Every CronJob spec field may change, so there is no validateUpdate beyond the generic metadata rules.

const jobTemplateOf = (obj: KubeObject) => asRecord(asRecord(specOf(obj).jobTemplate)?.spec);

export const cronJob = defineResource({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  namespaced: true,
  schema: 'io.k8s.api.batch.v1.CronJob',
  shortNames: ['cj'],
  categories: ['all'],
  subresources: { status: true },
  strategy: { default: defaultCronJob, validate: validateCronJob },
  printerColumns: [
    {
      name: 'Schedule',
      type: 'string',
      description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
      priority: 0,
      cell: (obj) => String(specOf(obj).schedule ?? ''),
    },
    {
      name: 'Timezone',
      type: 'string',
      description:
        'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones',
      priority: 0,
      cell: (obj) => (typeof specOf(obj).timeZone === 'string' ? (specOf(obj).timeZone as string) : '<none>'),
    },
    {
      name: 'Suspend',
      type: 'boolean',
      description: 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.',
      priority: 0,
      cell: (obj) => printBool(specOf(obj).suspend),
    },
    {
      name: 'Active',
      type: 'integer',
      description: 'A list of pointers to currently running jobs.',
      priority: 0,
      cell: (obj) => arrayOf(statusOf(obj).active).length,
    },
    {
      name: 'Last Schedule',
      type: 'string',
      description: 'Information when was the last time the job was successfully scheduled.',
      priority: 0,
      cell: (obj, now) => {
        const last = statusOf(obj).lastScheduleTime;
        return last === undefined || last === null ? '<none>' : timestampSince(last, now);
      },
    },
    ageColumn,
    containersColumn((obj) => jobTemplateOf(obj)?.template),
    imagesColumn((obj) => jobTemplateOf(obj)?.template),
    selectorColumn(
      'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      (obj) => jobTemplateOf(obj)?.selector,
    ),
  ],
});
