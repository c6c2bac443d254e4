import { defineResource } from '../../resource.js';

export const secret = defineResource({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Secret',
});
