import { defineResource } from '../../resource.js';

/** Create-only: the API server answers a POST with the requester's own user info (`kubectl auth whoami`). */
export const selfSubjectReview = defineResource({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  namespaced: false,
  schema: 'io.k8s.api.authentication.v1.SelfSubjectReview',
  generation: false,
  verbs: ['create'],
});
