import { defineResource } from '../../resource.js';

export const service = defineResource({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Service',
  shortNames: ['svc'],
  categories: ['all'],
  subresources: { status: true, connect: ['proxy'] },
});
