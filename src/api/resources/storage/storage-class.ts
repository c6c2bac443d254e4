import { defineResource } from '../../resource.js';

export const storageClass = defineResource({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  namespaced: false,
  schema: 'io.k8s.api.storage.v1.StorageClass',
  shortNames: ['sc'],
});
