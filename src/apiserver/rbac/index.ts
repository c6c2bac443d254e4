/**
 * RBAC for Wharf's API server: the authorizer, escalation prevention, ClusterRole aggregation, the
 * bootstrap policy and the authorization.k8s.io reviews.
 *
 * Wiring, in the server:
 * - `new RbacAuthorizer((group, plural) => <watch cache objects>)`, and `invalidate()` on every event of
 *   roles, clusterroles, rolebindings and clusterrolebindings (or pass `{ version }` instead).
 * - Per request: `authorize(attributes)`; anything but `allow` is a 403 built by `forbiddenError(a, reason)`.
 * - Before storing a create or update of the four RBAC kinds: `checkRbacWrite({ user, object, old })`,
 *   throwing the StatusError it returns.
 * - After any ClusterRole event: `aggregateClusterRoles(list, (name, rules) => <update its rules>)`.
 * - At startup: create each `bootstrapPolicy()` object that does not exist.
 * - POST of the review kinds: `evaluateAccessReview` / `evaluateRulesReview`, answered 201 with the result.
 */
export { RbacAuthorizer, type RbacLister, type RbacAuthorizerOptions } from './rbac-authorizer.js';
export { checkEscalation, checkRbacWrite, type EscalationAttributes, type RbacWrite } from './escalation.js';
export { aggregateClusterRoles, aggregatedRules, type AggregatedRulesWriter } from './aggregation.js';
export { bootstrapPolicy, systemNodeRules, SYSTEM_NODE_BINDING, NODES_GROUP, type BootstrapPolicyOptions } from './bootstrap-policy.js';
export { compileRule, ruleAllows, type CompiledRule } from './rule-matching.js';
export { evaluateAccessReview, evaluateRulesReview, type Authorizer } from './access-review.js';
export { forbiddenError, forbiddenMessage } from './forbidden.js';
export { privilegedGroup, type PolicyRule, type RoleRef, type Subject } from './policy-rule.js';
