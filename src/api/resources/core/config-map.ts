import { defineResource } from '../../resource.js';

export const configMap = defineResource({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ConfigMap',
  shortNames: ['cm'],
});
