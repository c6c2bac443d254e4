import { defineResource } from '../../resource.js';

export const eventV1 = defineResource({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  schema: 'io.k8s.api.events.v1.Event',
  shortNames: ['ev'],
});
