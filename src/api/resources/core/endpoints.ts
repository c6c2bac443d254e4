import { defineResource } from '../../resource.js';

export const endpoints = defineResource({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Endpoints',
  shortNames: ['ep'],
});
