import { controllerFor, type Manager } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { CronJobReconciler, type CronJobSettings } from './cron-job-reconciler.js';

export type { CronJobSettings } from './cron-job-reconciler.js';
export { nextAfter, parseSchedule, type Schedule } from './cron-schedule.js';

/** Starts CronJobs' Jobs on schedule (see `CronJobReconciler`); clock and test cadence under `manager.settings.cronjob`. */
export const cronJobController: ControllerEntry = {
  name: 'cronjob',
  setup(manager: Manager): void {
    const cronJobsResource = manager.resource('batch', 'v1', 'cronjobs');
    const jobsResource = manager.resource('batch', 'v1', 'jobs');
    const reconciler = new CronJobReconciler({
      client: manager.client,
      recorder: manager.recorder('cronjob-controller'),
      cronJobs: manager.informers.informerFor(cronJobsResource),
      jobs: manager.informers.informerFor(jobsResource),
      cronJobsResource,
      jobsResource,
      settings: manager.settings.cronjob as CronJobSettings | undefined,
    });
    manager.add(controllerFor(manager.informers, cronJobsResource).named('cronjob-controller').owns(jobsResource).complete(reconciler, { workers: 2, logger: manager.logger }));
  },
};
