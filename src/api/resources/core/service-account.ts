import { defineResource } from '../../resource.js';

export const serviceAccount = defineResource({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ServiceAccount',
  shortNames: ['sa'],
});
