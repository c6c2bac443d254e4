import { defineResource } from '../../resource.js';

export const persistentVolumeClaim = defineResource({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  shortNames: ['pvc'],
  subresources: { status: true },
});
