import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronJob } from '../../../../src/api/resources/batch/cron-job.js';
import type { KubeObject } from '../../../../src/api/object.js';

function make(spec: Record<string, unknown> = {}, name = 'backup'): KubeObject {
  const o: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'busybox' }], restartPolicy: 'OnFailure' } } } },
      ...spec,
    },
  };
  cronJob.strategy.default!(o);
  return o;
}

const details = (errs: { field: string; detail: string }[]) => errs.map((e) => [e.field, e.detail]);

test('default() fills concurrency, suspend and history limits', () => {
  const spec = make().spec as Record<string, any>;
  assert.equal(spec.concurrencyPolicy, 'Allow');
  assert.equal(spec.suspend, false);
  assert.equal(spec.successfulJobsHistoryLimit, 3);
  assert.equal(spec.failedJobsHistoryLimit, 1);
  assert.equal(spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.jobTemplate.spec.backoffLimit, undefined);
});

test('validate() accepts schedules, descriptors and IANA time zones', () => {
  assert.deepEqual(cronJob.strategy.validate!(make()), []);
  assert.deepEqual(cronJob.strategy.validate!(make({ schedule: '@hourly', timeZone: 'Europe/Berlin' })), []);
});

test('validate() reports bad schedules and time zones', () => {
  assert.deepEqual(details(cronJob.strategy.validate!(make({ schedule: '* * *' }))), [['spec.schedule', 'expected exactly 5 fields, found 3: [* * *]']]);
  assert.deepEqual(details(cronJob.strategy.validate!(make({ timeZone: 'Moon/Base' }))), [['spec.timeZone', 'unknown time zone Moon/Base']]);
  assert.deepEqual(details(cronJob.strategy.validate!(make({ schedule: 'TZ=UTC 0 0 * * *', timeZone: 'UTC' }))), [
    ['spec.schedule', 'cannot use both timeZone field and TZ or CRON_TZ in schedule'],
  ]);
  assert.equal(cronJob.strategy.validate!(make({ schedule: '' }))[0].type, 'FieldValueRequired');
});

test('validate() checks the job template and the name length', () => {
  const errs = cronJob.strategy.validate!(
    make({ concurrencyPolicy: 'Sometimes', jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'b', image: 'i' }] } } } } }),
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    ['spec.concurrencyPolicy', 'spec.jobTemplate.spec.template.spec.restartPolicy', 'spec.jobTemplate.spec.selector'],
  );
  const long = cronJob.strategy.validate!(make({}, 'a'.repeat(53)));
  assert.deepEqual(details(long), [['metadata.name', 'must be no more than 52 characters']]);
});

test('printer columns show schedule, timezone, suspend, active and last schedule', () => {
  const o = make();
  o.status = { active: [{ name: 'backup-1' }], lastScheduleTime: '2024-01-01T00:55:00Z' };
  const now = Date.parse('2024-01-01T01:00:00Z');
  assert.deepEqual(
    cronJob.printerColumns.map((c) => [c.name, c.cell(o, now)]),
    [
      ['Schedule', '*/5 * * * *'],
      ['Timezone', '<none>'],
      ['Suspend', 'False'],
      ['Active', 1],
      ['Last Schedule', '5m'],
      ['Age', '60m'],
      ['Containers', 'b'],
      ['Images', 'busybox'],
      ['Selector', '<none>'],
    ],
  );
  assert.equal(cronJob.printerColumns[4].cell(make(), now), '<none>');
});
