import { defineResource } from '../../resource.js';

export const endpointSlice = defineResource({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  schema: 'io.k8s.api.discovery.v1.EndpointSlice',
});
