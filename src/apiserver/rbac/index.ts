/**
 * RBAC for Wharf's API server: the authorizer, escalation prevention, ClusterRole aggregation, the
 * bootstrap policy and the authorization.k8s.io reviews.
 */
export { RbacAuthorizer, type RbacLister, type RbacAuthorizerOptions } from './rbac-authorizer.js';
export { checkEscalation, checkRbacWrite, type EscalationAttributes, type RbacWrite } from './escalation.js';
export { aggregateClusterRoles, aggregatedRules, type AggregatedRulesWriter } from './aggregation.js';
export { bootstrapPolicy } from './bootstrap-policy.js';
export { evaluateAccessReview, evaluateRulesReview, type Authorizer } from './access-review.js';
export { forbiddenError, forbiddenMessage } from './forbidden.js';
export { privilegedGroup, type PolicyRule, type RoleRef, type Subject } from './policy-rule.js';
