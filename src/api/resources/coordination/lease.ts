import { defineResource } from '../../resource.js';

export const lease = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
  schema: 'io.k8s.api.coordination.v1.Lease',
});
