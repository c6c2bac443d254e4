import type { AuthorizationAttributes, AuthorizationDecision } from '../request-context.js';

export interface Authorizer {
  authorize(a: AuthorizationAttributes): AuthorizationDecision;
}

/**
 * Authorizers asked in order, as kube-apiserver's `--authorization-mode=Node,RBAC` union: the first
 * allow or deny decides; when all have no opinion, their reasons are joined by newlines.
 */
export function authorizerChain(authorizers: readonly Authorizer[]): Authorizer {
  if (authorizers.length === 1) return authorizers[0];
  return {
    authorize(a) {
      let reasons: string[] | undefined;
      for (const z of authorizers) {
        const d = z.authorize(a);
        if (d.decision !== 'noOpinion') return d;
        if (d.reason) (reasons ??= []).push(d.reason);
      }
      return { decision: 'noOpinion', reason: reasons ? reasons.join('\n') : '' };
    },
  };
}
