import { defineResource } from '../../resource.js';
import { authorizationGroup, validateSubjectAccessReview } from './access-review-validation.js';

/** Create-only: the API server answers a POST with the evaluated review and stores nothing. */
export const subjectAccessReview = defineResource({
  group: authorizationGroup,
  version: 'v1',
  kind: 'SubjectAccessReview',
  plural: 'subjectaccessreviews',
  namespaced: false,
  schema: 'io.k8s.api.authorization.v1.SubjectAccessReview',
  generation: false,
  verbs: ['create'],
  strategy: { validate: validateSubjectAccessReview },
});
