import { defineResource } from '../../resource.js';

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
});
