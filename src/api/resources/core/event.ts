import { defineResource } from '../../resource.js';

export const event = defineResource({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Event',
  shortNames: ['ev'],
});
