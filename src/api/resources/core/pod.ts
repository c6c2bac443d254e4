import { defineResource } from '../../resource.js';

export const pod = defineResource({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Pod',
  shortNames: ['po'],
  categories: ['all'],
  subresources: { status: true, binding: true, log: true, eviction: true, connect: ['exec', 'attach', 'portforward', 'proxy'] },
});
