import { defineResource } from '../../resource.js';
import { authorizationGroup, validateLocalSubjectAccessReview } from './access-review-validation.js';

/** Create-only: the API server answers a POST with the evaluated review and stores nothing. */
export const localSubjectAccessReview = defineResource({
  group: authorizationGroup,
  version: 'v1',
  kind: 'LocalSubjectAccessReview',
  plural: 'localsubjectaccessreviews',
  namespaced: true,
  schema: 'io.k8s.api.authorization.v1.LocalSubjectAccessReview',
  generation: false,
  verbs: ['create'],
  strategy: { validate: validateLocalSubjectAccessReview },
});
