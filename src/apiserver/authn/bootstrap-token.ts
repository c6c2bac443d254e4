/**
 * The bootstrap token authenticator: `Authorization: Bearer <id>.<secret>` is user
 * `system:bootstrap:<id>` in `system:bootstrappers` (and the token's extra groups) while the
 * kube-system Secret `bootstrap-token-<id>` holds that secret, allows authentication and has not
 * expired, as Kubernetes' --enable-bootstrap-token-auth does. Joining nodes use such a token once, to
 * obtain their own client certificate.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isStatusError, type KubeObject } from '../../api/index.js';
import type { UserInfo } from '../request-context.js';
import {
  BOOTSTRAP_GROUP,
  BOOTSTRAP_TOKEN_SECRET_TYPE,
  BOOTSTRAP_USER_PREFIX,
  bootstrapTokenSecretName,
  isValidExtraGroup,
  parseBootstrapToken,
} from './bootstrap-token-secret.js';
import { rejected } from './rejected.js';

/** Reads a kube-system Secret by name; `undefined` when there is none. */
export type BootstrapSecretLookup = (name: string) => Promise<KubeObject | undefined>;

/** The answer for a credential: a user, or why it is refused (kept for the server's log, never sent). */
export type BootstrapTokenResult = { user: UserInfo } | { refused: string };

function dataOf(secret: KubeObject, key: string): string | undefined {
  const data = secret.data as Record<string, unknown> | undefined;
  const v = data?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Judges a bearer token: `undefined` when it is not shaped like a bootstrap token (another
 * authenticator may know it), else the user or the reason it is refused.
 */
export async function authenticateBootstrapToken(token: string, lookup: BootstrapSecretLookup, now = new Date()): Promise<BootstrapTokenResult | undefined> {
  const parsed = parseBootstrapToken(token);
  if (!parsed) return undefined;
  const name = bootstrapTokenSecretName(parsed.id);
  const secret = await lookup(name);
  if (!secret) return { refused: `no bootstrap token secret kube-system/${name}` };
  if (secret.metadata.deletionTimestamp) return { refused: `bootstrap token secret ${name} is being deleted` };
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return { refused: `secret ${name} is of type ${String(secret.type)}, not ${BOOTSTRAP_TOKEN_SECRET_TYPE}` };
  const id = dataOf(secret, 'token-id');
  const tokenSecret = dataOf(secret, 'token-secret');
  if (id !== parsed.id || tokenSecret === undefined || !sameText(tokenSecret, parsed.secret)) return { refused: `bootstrap token ${parsed.id} does not match its secret` };
  const expiration = dataOf(secret, 'expiration');
  if (expiration !== undefined) {
    const at = Date.parse(expiration);
    // An unreadable expiration is treated as expired: a token must never outlive what its creator meant.
    if (Number.isNaN(at) || at <= now.getTime()) return { refused: `bootstrap token ${parsed.id} expired at ${expiration}` };
  }
  if (dataOf(secret, 'usage-bootstrap-authentication') !== 'true') return { refused: `bootstrap token ${parsed.id} is not for authentication` };
  const extra = (dataOf(secret, 'auth-extra-groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  const bad = extra.find((g) => !isValidExtraGroup(g));
  if (bad !== undefined) return { refused: `bootstrap token ${parsed.id} names an invalid extra group "${bad}"` };
  return { user: { username: `${BOOTSTRAP_USER_PREFIX}${parsed.id}`, groups: [BOOTSTRAP_GROUP, ...extra.filter((g) => g !== BOOTSTRAP_GROUP)] } };
}

/** The part of an authenticator this module wraps (the authn index's `Authenticator`). */
export interface RequestAuthenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo>;
}

/**
 * Adds bootstrap tokens to an authenticator. The inner one goes first (client certificates and the
 * token file come before bootstrap tokens in Kubernetes' order too); a bearer token it refuses and that
 * is shaped like a bootstrap token is then judged here, and refused with the same bare 401.
 */
export function withBootstrapTokens(inner: RequestAuthenticator, lookup: BootstrapSecretLookup, now: () => Date = () => new Date()): RequestAuthenticator {
  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo> {
      const header = req.headers.authorization;
      try {
        return await inner.authenticate(req);
      } catch (e) {
        const parts = header?.trim().split(' ') ?? [];
        const token = parts.length >= 2 && parts[0].toLowerCase() === 'bearer' ? parts[1] : '';
        if (!isStatusError(e) || e.status.code !== 401 || !parseBootstrapToken(token)) throw e;
        const result = await authenticateBootstrapToken(token, lookup, now());
        if (!result || 'refused' in result) throw rejected(result?.refused ?? 'invalid bearer token');
        delete req.headers.authorization;
        return { ...result.user, groups: [...result.user.groups, 'system:authenticated'] };
      }
    },
  };
}
