import { defineResource } from '../../resource.js';
import { authorizationGroup, validateSelfSubjectAccessReview } from './access-review-validation.js';

/** Create-only: the API server answers a POST with the evaluated review and stores nothing. */
export const selfSubjectAccessReview = defineResource({
  group: authorizationGroup,
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  namespaced: false,
  schema: 'io.k8s.api.authorization.v1.SelfSubjectAccessReview',
  generation: false,
  verbs: ['create'],
  strategy: { validate: validateSelfSubjectAccessReview },
});
