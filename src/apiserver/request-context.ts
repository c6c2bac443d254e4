/**
 * What the request pipeline knows about a request as it passes authentication, authorization, admission
 * and audit. The HTTP server builds it; each stage reads and adds to it.
 */

/** An authenticated (or anonymous) user, as Kubernetes' user.Info. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const anonymousUser: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** What authorization decides on, as Kubernetes' authorizer.Attributes. */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource URLs the HTTP verb in lower case. */
  verb: string;
  resourceRequest: boolean;
  /** For non-resource requests: the URL path. */
  path?: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export type AuthorizationDecision = { decision: 'allow' | 'deny' | 'noOpinion'; reason: string };

export interface RequestContext {
  /** The `Audit-Id` of the request (also returned in that response header). */
  auditID: string;
  user: UserInfo;
  /** When the request arrived (ms since the epoch). */
  received: number;
  attributes?: AuthorizationAttributes;
}
