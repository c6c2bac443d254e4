import { defineResource } from '../../resource.js';

export const namespace = defineResource({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
  schema: 'io.k8s.api.core.v1.Namespace',
  shortNames: ['ns'],
  subresources: { status: true, finalize: true },
});
