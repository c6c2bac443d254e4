import { defineResource } from '../../resource.js';
import { authorizationGroup, validateSelfSubjectRulesReview } from './access-review-validation.js';

/** Create-only: the API server answers a POST with the evaluated review and stores nothing. */
export const selfSubjectRulesReview = defineResource({
  group: authorizationGroup,
  version: 'v1',
  kind: 'SelfSubjectRulesReview',
  plural: 'selfsubjectrulesreviews',
  namespaced: false,
  schema: 'io.k8s.api.authorization.v1.SelfSubjectRulesReview',
  generation: false,
  verbs: ['create'],
  strategy: { validate: validateSelfSubjectRulesReview },
});
