import { badRequest, invalid, isPlainObject, type FieldError, type KubeObject } from '../../api/index.js';
import {
  validateLocalSubjectAccessReview,
  validateSelfSubjectAccessReview,
  validateSubjectAccessReview,
} from '../../api/resources/authorization/access-review-validation.js';
import type { AuthorizationAttributes, AuthorizationDecision, UserInfo } from '../request-context.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import { aggregateMessage } from './rbac-authorizer.js';

/** Anything that decides requests: the RBAC authorizer, or the server's whole authorizer chain. */
export interface Authorizer {
  authorize(a: AuthorizationAttributes): AuthorizationDecision;
}

const group = 'authorization.k8s.io';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const rec = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function extraOf(v: unknown): Record<string, string[]> | undefined {
  if (!isPlainObject(v)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, values] of Object.entries(v)) out[k] = stringList(values);
  return out;
}

/** The attributes a review asks about, for `user`, as upstream's ResourceAttributesFrom / NonResourceAttributesFrom. */
function attributesOf(spec: Record<string, unknown>, user: UserInfo): AuthorizationAttributes {
  if (isPlainObject(spec.resourceAttributes)) {
    const r = spec.resourceAttributes;
    return {
      user,
      verb: str(r.verb),
      resourceRequest: true,
      namespace: str(r.namespace),
      apiGroup: str(r.group),
      // An unset version asks about every version.
      apiVersion: str(r.version) || '*',
      resource: str(r.resource),
      subresource: str(r.subresource),
      name: str(r.name),
    };
  }
  const n = rec(spec.nonResourceAttributes);
  return { user, verb: str(n.verb), resourceRequest: false, path: str(n.path) };
}

/** The user a SubjectAccessReview or LocalSubjectAccessReview names in its spec. */
function specUser(spec: Record<string, unknown>): UserInfo {
  const user: UserInfo = { username: str(spec.user), groups: stringList(spec.groups) };
  if (str(spec.uid)) user.uid = str(spec.uid);
  const extra = extraOf(spec.extra);
  if (extra) user.extra = extra;
  return user;
}

/** The metadata Kubernetes returns on a review: what was sent, with Go's zero creationTimestamp. */
function responseMetadata(review: KubeObject): KubeObject['metadata'] {
  return { ...review.metadata, creationTimestamp: null as unknown as undefined };
}

function check(kind: string, errs: FieldError[]): void {
  if (errs.length > 0) throw invalid(kind, group, '', errs);
}

/**
 * Answers a SubjectAccessReview, SelfSubjectAccessReview or LocalSubjectAccessReview as kube-apiserver's
 * REST handlers do: validates it (throwing the 422, or a 400 for a namespace mismatch), asks `authorizer`
 * about the spec's user (the requester for a SelfSubjectAccessReview), and returns the review with
 * `status.allowed`, `status.denied` and `status.reason` filled in. `requestNamespace` is the URL's
 * namespace, required for LocalSubjectAccessReview.
 */
export function evaluateAccessReview(review: KubeObject, requester: UserInfo, authorizer: Authorizer, requestNamespace = ''): KubeObject {
  const spec = rec(review.spec);
  let user: UserInfo;
  switch (review.kind) {
    case 'SubjectAccessReview':
      check(review.kind, validateSubjectAccessReview(review));
      user = specUser(spec);
      break;
    case 'SelfSubjectAccessReview':
      check(review.kind, validateSelfSubjectAccessReview(review));
      user = requester;
      break;
    case 'LocalSubjectAccessReview': {
      const ns = review.metadata?.namespace ?? '';
      if (requestNamespace !== '' && ns !== '' && ns !== requestNamespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const filled: KubeObject = { ...review, metadata: { ...review.metadata, namespace: ns || requestNamespace } };
      check(review.kind, validateLocalSubjectAccessReview(filled));
      if (requestNamespace === '') throw badRequest('namespace is required on this type: ');
      review = filled;
      user = specUser(spec);
      break;
    }
    default:
      throw badRequest(`not an access review: ${JSON.stringify(review.kind)}`);
  }
  const d = authorizer.authorize(attributesOf(spec, user));
  const status: Record<string, unknown> = { allowed: d.decision === 'allow' };
  if (d.decision === 'deny') status.denied = true;
  if (d.reason) status.reason = d.reason;
  return { ...review, metadata: responseMetadata(review), spec: review.spec, status };
}

/**
 * Answers a SelfSubjectRulesReview (`kubectl auth can-i --list`): the requester's resource and non-resource
 * rules in `spec.namespace`, as upstream returns them (a fresh object with an empty spec).
 */
export function evaluateRulesReview(review: KubeObject, requester: UserInfo, authorizer: RbacAuthorizer): KubeObject {
  if (review.kind !== 'SelfSubjectRulesReview') throw badRequest(`not a SelfSubjectRulesReview: ${JSON.stringify(review.kind)}`);
  const namespace = str(rec(review.spec).namespace);
  if (namespace === '') throw badRequest('no namespace on request');
  const { rules, errors } = authorizer.rulesFor(requester, namespace);
  const resourceRules: Record<string, unknown>[] = [];
  const nonResourceRules: Record<string, unknown>[] = [];
  for (const r of rules) {
    if (r.resources?.length) {
      const out: Record<string, unknown> = { verbs: r.verbs };
      if (r.apiGroups?.length) out.apiGroups = r.apiGroups;
      out.resources = r.resources;
      if (r.resourceNames?.length) out.resourceNames = r.resourceNames;
      resourceRules.push(out);
    }
    if (r.nonResourceURLs?.length) nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
  }
  const status: Record<string, unknown> = { resourceRules, nonResourceRules, incomplete: false };
  if (errors.length > 0) status.evaluationError = aggregateMessage(errors);
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: review.apiVersion || `${group}/v1`,
    metadata: { creationTimestamp: null as unknown as undefined },
    spec: {},
    status,
  };
}
