import { defineResource } from '../../resource.js';

export const node = defineResource({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
  schema: 'io.k8s.api.core.v1.Node',
  shortNames: ['no'],
  subresources: { status: true, connect: ['proxy'] },
});
