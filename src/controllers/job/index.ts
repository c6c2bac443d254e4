import { controllerFor, type Manager } from '../../client/index.js';
import type { ControllerEntry } from '../index.js';
import { PendingWrites } from '../workload-internal/pending-writes.js';
import { JobReconciler, type JobSettings } from './job-reconciler.js';
import { TtlAfterFinishedReconciler, type TtlSettings } from './ttl-after-finished.js';

export type { JobSettings } from './job-reconciler.js';
export type { TtlSettings } from './ttl-after-finished.js';

/** `manager.settings.job`: the reconciler's settings and the controller's work-queue workers. */
export interface JobControllerSettings extends JobSettings {
  /** `--concurrent-job-syncs`; 4 by default. */
  workers?: number;
}

/** Work-queue workers without `settings.workers`. */
const defaultWorkers = 4;

/** Runs Jobs' pods to completion (see `JobReconciler`); settings under `manager.settings.job`. */
export const jobController: ControllerEntry = {
  name: 'job',
  defaultWorkers,
  setup(manager: Manager): void {
    const settings = manager.settings.job as JobControllerSettings | undefined;
    const jobsResource = manager.resource('batch', 'v1', 'jobs');
    const podsResource = manager.resource('', 'v1', 'pods');
    const jobs = manager.informers.informerFor(jobsResource);
    const pods = manager.informers.informerFor(podsResource);
    const reconciler = new JobReconciler({
      client: manager.client,
      recorder: manager.recorder('job-controller'),
      jobs,
      pods,
      jobsResource,
      podsResource,
      pendingPods: new PendingWrites(pods),
      settings,
    });
    const controller = controllerFor(manager.informers, jobsResource)
      .named('job-controller')
      // Owned pods map to their Job even after the Job is gone, so their finalizers are released.
      .owns(podsResource, (pod) => {
        const ref = pod.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === 'Job' && r.apiVersion.startsWith('batch/'));
        return ref ? [`${pod.metadata.namespace}/${ref.name}`] : [];
      })
      .complete(reconciler, { workers: settings?.workers ?? defaultWorkers, logger: manager.logger });
    manager.add(controller);
  },
};

/** Deletes finished Jobs once their `ttlSecondsAfterFinished` has passed. */
export const ttlAfterFinishedController: ControllerEntry = {
  name: 'ttl-after-finished',
  setup(manager: Manager): void {
    const jobsResource = manager.resource('batch', 'v1', 'jobs');
    const reconciler = new TtlAfterFinishedReconciler(
      manager.client,
      manager.informers.informerFor(jobsResource),
      jobsResource,
      manager.settings['ttl-after-finished'] as TtlSettings | undefined,
    );
    manager.add(controllerFor(manager.informers, jobsResource).named('ttl-after-finished-controller').complete(reconciler, { logger: manager.logger }));
  },
};
