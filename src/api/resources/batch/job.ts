import { defineResource } from '../../resource.js';

export const job = defineResource({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  namespaced: true,
  schema: 'io.k8s.api.batch.v1.Job',
  categories: ['all'],
  subresources: { status: true },
});
