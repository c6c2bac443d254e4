/**
 * Authentication: who sent a request. Client certificates, static bearer tokens and ServiceAccount
 * tokens are tried as Kubernetes' union authenticator tries them: the first that recognises a
 * credential wins; a credential that nobody accepts is a 401 even if another was fine to ignore; a
 * request with no credential at all is `system:anonymous`, left to authorization to refuse.
 */
import type { IncomingMessage } from 'node:http';
import { isStatusError, type StatusError } from '../../api/errors.js';
import { anonymousUser, type UserInfo } from '../request-context.js';
import { createClientCertificateAuthenticator } from './client-certificate.js';
import { rejected } from './rejected.js';
import { createServiceAccountTokenAuthenticator, type ServiceAccountTokenAuthOptions } from './service-account-token.js';
import { loadTokenFile } from './token-file.js';

export { createClientCertificateAuthenticator, type ClientCertificateAuthenticator } from './client-certificate.js';
export { parseTokenFile, loadTokenFile } from './token-file.js';
export { authenticateBootstrapToken, withBootstrapTokens, type BootstrapSecretLookup, type BootstrapTokenResult, type RequestAuthenticator } from './bootstrap-token.js';
export {
  BOOTSTRAP_GROUP,
  BOOTSTRAP_TOKEN_NAMESPACE,
  BOOTSTRAP_TOKEN_SECRET_TYPE,
  BOOTSTRAP_USER_PREFIX,
  bootstrapTokenSecret,
  bootstrapTokenSecretName,
  formatBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
  type BootstrapToken,
  type BootstrapTokenSecretOptions,
} from './bootstrap-token-secret.js';
export {
  createServiceAccountTokenAuthenticator,
  issueServiceAccountToken,
  serviceAccountUsername,
  type BoundObject,
  type BoundObjectLookup,
  type IssuedToken,
  type ServiceAccountLookup,
  type ServiceAccountTokenAuthOptions,
  type ServiceAccountTokenOptions,
} from './service-account-token.js';
export {
  handleTokenRequest,
  tokenRequestBoundObjectRef,
  DEFAULT_EXPIRATION_SECONDS,
  MIN_EXPIRATION_SECONDS,
  type BoundObjectReference,
  type TokenRequest,
  type TokenRequestOptions,
} from './token-request.js';

export const AUTHENTICATED_GROUP = 'system:authenticated';

export interface AuthenticatorOptions {
  /** PEM bundle of the CAs whose client certificates are accepted; without it certificates are ignored. */
  clientCaPem?: string;
  /** A kube-apiserver --token-auth-file CSV; read now, so a malformed file throws here, at startup. */
  tokenFile?: string;
  /**
   * Tokens the server's own process hands its components, as kube-apiserver's loopback token: random,
   * held in memory only, never written anywhere. Read at each request, so entries may be added later.
   */
  loopbackTokens?: ReadonlyMap<string, UserInfo>;
  /** ServiceAccount token verification: public key(s), issuer, accepted audiences, existence lookups. */
  serviceAccount?: Omit<ServiceAccountTokenAuthOptions, 'now'>;
  /** Kubernetes' --anonymous-auth: false answers credential-less requests with 401. Default true. */
  anonymous?: boolean;
}

export interface Authenticator {
  /** The request's user, `anonymousUser` when it carries no credential; a StatusError 401 when a credential fails. */
  authenticate(req: IncomingMessage): Promise<UserInfo>;
}

/** The token of an `Authorization: Bearer <token>` header, as Kubernetes reads it; `undefined` otherwise. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization?.trim();
  if (!header) return undefined;
  const parts = header.split(' ');
  if (parts.length < 2 || parts[0].toLowerCase() !== 'bearer') return undefined;
  // Kubernetes splits on single spaces, so "Bearer  token" carries an empty token: no credential.
  return parts[1] || undefined;
}

/** Every authenticated user is in `system:authenticated`, whatever proved who they are. */
function authenticated(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED_GROUP) ? user : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const certificates = opts.clientCaPem ? createClientCertificateAuthenticator(opts.clientCaPem) : undefined;
  const staticTokens = opts.tokenFile ? loadTokenFile(opts.tokenFile) : new Map<string, UserInfo>();
  const serviceAccountTokens = opts.serviceAccount ? createServiceAccountTokenAuthenticator(opts.serviceAccount) : undefined;
  const allowAnonymous = opts.anonymous !== false;

  return {
    async authenticate(req) {
      let failure: StatusError | undefined;

      if (certificates) {
        try {
          const user = certificates.authenticate(req.socket);
          if (user) return authenticated(user);
        } catch (e) {
          failure = isStatusError(e) ? e : rejected(`client certificate unreadable: ${(e as Error).message}`);
        }
      }

      const token = bearerToken(req);
      if (token !== undefined) {
        let user = staticTokens.get(token) ?? opts.loopbackTokens?.get(token);
        if (!user && serviceAccountTokens) {
          try {
            user = await serviceAccountTokens(token);
          } catch (e) {
            // A lookup that could not reach storage is the server's fault (a 500), not the client's.
            if (!isStatusError(e)) throw e;
            failure ??= e;
          }
        }
        if (user) {
          // As Kubernetes does: nothing after authentication (proxies, audit) should see the credential.
          delete req.headers.authorization;
          return authenticated(user);
        }
        failure ??= rejected('invalid bearer token');
      }

      if (failure) throw failure;
      if (!allowAnonymous) throw rejected('no credentials');
      return { ...anonymousUser, groups: [...anonymousUser.groups] };
    },
  };
}
