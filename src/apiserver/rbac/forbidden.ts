import { forbidden, StatusError } from '../../api/index.js';
import type { AuthorizationAttributes } from '../request-context.js';

const q = (s: string): string => JSON.stringify(s);

/**
 * What a denied request is told, in kube-apiserver's words: `User "alice" cannot list resource "pods" in
 * API group "" in the namespace "default"`, then `: <reason>` when the authorizer gave one.
 */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const who = `User ${q(a.user.username)} cannot ${a.verb}`;
  if (!a.resourceRequest) return `${who} path ${q(a.path ?? '')}`;
  const resource = a.subresource ? `${a.resource ?? ''}/${a.subresource}` : (a.resource ?? '');
  const where = a.namespace ? `in the namespace ${q(a.namespace)}` : 'at the cluster scope';
  return `${who} resource ${q(resource)} in API group ${q(a.apiGroup ?? '')} ${where}`;
}

/** The 403 Forbidden Status for a request the authorizer did not allow. */
export function forbiddenError(a: AuthorizationAttributes, reason: string): StatusError {
  const message = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  if (!a.resourceRequest || !a.resource) return new StatusError(403, 'Forbidden', `forbidden: ${message}`, {});
  return forbidden({ group: a.apiGroup ?? '', resource: a.resource }, a.name ?? '', message);
}
