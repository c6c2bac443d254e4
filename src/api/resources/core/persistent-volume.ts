import { defineResource } from '../../resource.js';

export const persistentVolume = defineResource({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  namespaced: false,
  schema: 'io.k8s.api.core.v1.PersistentVolume',
  shortNames: ['pv'],
  subresources: { status: true },
});
