/**
 * ServiceAccount tokens: JWTs the API server signs for a ServiceAccount (optionally bound to a Pod,
 * Secret or Node) and later accepts as that account's credentials, with the claims Kubernetes' bound
 * tokens carry, so that clients and tools reading them (kubectl, client libraries) see what they expect.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { UserInfo } from '../request-context.js';
import { rejected } from './rejected.js';
import { decodeJwt, signJwt, toPublicKey, verifySignature, type JwtPayload } from './jwt.js';
import { rfc3339 } from '../../api/rfc3339.js';

/** The object a token is bound to: the token dies with it. */
export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

export interface ServiceAccountTokenOptions {
  issuer: string;
  namespace: string;
  /** The ServiceAccount's name and uid. */
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  boundObject?: BoundObject;
  /** For a Pod-bound token, the node the pod runs on (Kubernetes adds it so node-scoped checks can use it). */
  node?: { name: string; uid?: string };
  /** Issue time; defaults to now. */
  now?: Date;
}

export interface IssuedToken {
  token: string;
  /** RFC 3339, seconds precision: the form of TokenRequest's status.expirationTimestamp. */
  expirationTimestamp: string;
}

interface ObjectRef {
  name: string;
  uid?: string;
}

/** The private `kubernetes.io` claim of a bound token. */
interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;
}

export function rfc3339Seconds(epochSeconds: number): string {
  return rfc3339(epochSeconds * 1000);
}

/** Signs a bound ServiceAccount token. */
export function issueServiceAccountToken(privateKey: string | KeyObject, opts: ServiceAccountTokenOptions): IssuedToken {
  if (!Number.isInteger(opts.expirationSeconds) || opts.expirationSeconds <= 0) {
    throw new RangeError(`Token lifetime must be a positive whole number of seconds, got ${opts.expirationSeconds}`);
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = now + opts.expirationSeconds;
  const kubernetes: KubernetesClaim = {
    namespace: opts.namespace,
    serviceaccount: { name: opts.name, uid: opts.uid },
  };
  const bound = opts.boundObject;
  if (bound?.kind === 'Pod') kubernetes.pod = { name: bound.name, uid: bound.uid };
  if (bound?.kind === 'Secret') kubernetes.secret = { name: bound.name, uid: bound.uid };
  if (bound?.kind === 'Node') kubernetes.node = { name: bound.name, uid: bound.uid };
  else if (opts.node) kubernetes.node = opts.node.uid ? { name: opts.node.name, uid: opts.node.uid } : { name: opts.node.name };

  const claims: JwtPayload = {
    aud: opts.audiences,
    exp,
    iat: now,
    iss: opts.issuer,
    jti: randomUUID(),
    'kubernetes.io': kubernetes,
    nbf: now,
    sub: serviceAccountUsername(opts.namespace, opts.name),
  };
  return { token: signJwt(claims, privateKey), expirationTimestamp: rfc3339Seconds(exp) };
}

/** Whether an object a token names still exists with the same uid. */
export type ServiceAccountLookup = (namespace: string, name: string, uid?: string) => Promise<boolean>;
export type BoundObjectLookup = (ref: { kind: BoundObject['kind']; namespace: string; name: string; uid: string }) => Promise<boolean>;

export interface ServiceAccountTokenAuthOptions {
  /** Public keys whose signatures are accepted; several while a key is being rotated. */
  publicKeyPem: string | string[];
  issuer: string;
  /** Audiences the API server accepts (Kubernetes' --api-audiences); default: the issuer. */
  audiences?: string[];
  /** With it, a token whose ServiceAccount is gone (or was recreated with another uid) is refused. */
  lookup?: ServiceAccountLookup;
  /** With it, a token whose bound Pod, Secret or Node is gone (or was recreated) is refused. */
  lookupBoundObject?: BoundObjectLookup;
  /** The clock, for tests. */
  now?: () => number;
}

/** Returns the token's user, `undefined` when the token is not this issuer's, or throws a 401. */
export type TokenAuthenticator = (token: string) => Promise<UserInfo | undefined>;

/** Kubernetes' JWT validation allows this much clock skew on `exp`, `nbf` and `iat`. */
const LEEWAY_SECONDS = 60;
/** A token checked against `lookup` is trusted this long before it is checked again. */
const LOOKUP_CACHE_MS = 10_000;
const CACHE_SIZE = 4096;

function isRef(v: unknown): v is ObjectRef {
  const r = v as ObjectRef | null;
  return typeof r === 'object' && r !== null && typeof r.name === 'string' && (r.uid === undefined || typeof r.uid === 'string');
}

function readKubernetesClaim(v: unknown): KubernetesClaim | undefined {
  const k = v as Partial<KubernetesClaim> | null;
  if (typeof k !== 'object' || k === null || typeof k.namespace !== 'string' || !isRef(k.serviceaccount)) return undefined;
  for (const kind of ['pod', 'secret', 'node'] as const) if (k[kind] !== undefined && !isRef(k[kind])) return undefined;
  return k as KubernetesClaim;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

interface CacheEntry {
  user: UserInfo;
  /** Epoch seconds after which the token itself is expired. */
  exp: number;
  /** Epoch ms until which the lookup result may be reused. */
  recheckAt: number;
}

/**
 * Verifies ServiceAccount tokens: signature by one of the keys, `iss`, `aud`, `exp`/`nbf`/`iat`, the
 * subject's shape, and (with the lookups) that the account and the bound object still exist. Verified
 * tokens are cached, so a client's requests after the first cost a map lookup.
 */
export function createServiceAccountTokenAuthenticator(opts: ServiceAccountTokenAuthOptions): TokenAuthenticator {
  const keys = (Array.isArray(opts.publicKeyPem) ? opts.publicKeyPem : [opts.publicKeyPem]).map((k) => toPublicKey(k));
  const audiences = new Set(opts.audiences?.length ? opts.audiences : [opts.issuer]);
  const clock = opts.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();

  async function verifyUncached(token: string, nowSeconds: number): Promise<CacheEntry | undefined> {
    const jwt = decodeJwt(token);
    // Another issuer's JWT (or no JWT at all) is for another authenticator to judge.
    if (!jwt || jwt.payload.iss !== opts.issuer) return undefined;
    if (!verifySignature(jwt, keys)) throw rejected('service account token signature is invalid');

    const c = jwt.payload;
    if (!isNumber(c.exp)) throw rejected('service account token has no expiry');
    if (nowSeconds > c.exp + LEEWAY_SECONDS) throw rejected('service account token has expired');
    if (c.nbf !== undefined && (!isNumber(c.nbf) || nowSeconds < c.nbf - LEEWAY_SECONDS)) {
      throw rejected('service account token is not valid yet');
    }
    if (c.iat !== undefined && (!isNumber(c.iat) || nowSeconds < c.iat - LEEWAY_SECONDS)) {
      throw rejected('service account token is issued in the future');
    }
    const tokenAudiences = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud : [];
    if (!tokenAudiences.some((a) => typeof a === 'string' && audiences.has(a))) {
      throw rejected('service account token audiences are not accepted by this server');
    }

    const k = readKubernetesClaim(c['kubernetes.io']);
    if (!k) throw rejected('service account token has no valid kubernetes.io claim');
    const username = serviceAccountUsername(k.namespace, k.serviceaccount.name);
    if (c.sub !== username) throw rejected('service account token subject does not match its kubernetes.io claim');

    if (opts.lookup && !(await opts.lookup(k.namespace, k.serviceaccount.name, k.serviceaccount.uid))) {
      throw rejected(`service account ${k.namespace}/${k.serviceaccount.name} has been deleted or recreated`);
    }
    if (opts.lookupBoundObject) {
      const bound: [BoundObject['kind'], ObjectRef | undefined][] = [
        ['Pod', k.pod],
        ['Secret', k.secret],
      ];
      // A node is only the bound object when nothing else is; on a pod-bound token it is informational.
      if (!k.pod && !k.secret) bound.push(['Node', k.node]);
      for (const [kind, ref] of bound) {
        if (!ref?.uid) continue;
        const namespace = kind === 'Node' ? '' : k.namespace;
        if (!(await opts.lookupBoundObject({ kind, namespace, name: ref.name, uid: ref.uid }))) {
          throw rejected(`the ${kind} ${ref.name} this service account token is bound to has been deleted or recreated`);
        }
      }
    }

    const extra: Record<string, string[]> = {};
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      if (k.pod.uid) extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    if (k.node) {
      extra['authentication.kubernetes.io/node-name'] = [k.node.name];
      if (k.node.uid) extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
    }
    if (typeof c.jti === 'string' && c.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${c.jti}`];

    const user: UserInfo = {
      username,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`],
    };
    if (k.serviceaccount.uid) user.uid = k.serviceaccount.uid;
    if (Object.keys(extra).length) user.extra = extra;
    const looksUp = opts.lookup !== undefined || opts.lookupBoundObject !== undefined;
    return { user, exp: c.exp, recheckAt: looksUp ? clock() + LOOKUP_CACHE_MS : Number.POSITIVE_INFINITY };
  }

  return async (token) => {
    const nowMs = clock();
    const nowSeconds = Math.floor(nowMs / 1000);
    const hit = cache.get(token);
    if (hit && nowMs < hit.recheckAt) {
      if (nowSeconds <= hit.exp + LEEWAY_SECONDS) return hit.user;
      cache.delete(token);
      throw rejected('service account token has expired');
    }
    const entry = await verifyUncached(token, nowSeconds);
    if (!entry) return undefined;
    cache.delete(token);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string); // oldest first
    cache.set(token, entry);
    return entry.user;
  };
}
