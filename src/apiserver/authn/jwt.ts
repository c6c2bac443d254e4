/**
 * Compact JSON Web Signatures (RFC 7515) with the two algorithms Kubernetes signs ServiceAccount tokens
 * with: RS256 (RSA keys) and ES256 (P-256 keys). The algorithm follows from the key, never from the
 * token's header, so a token cannot talk the verifier into `none` or an HMAC keyed with the public key.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'RS256' | 'ES256';

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [field: string]: unknown;
}

export type JwtPayload = Record<string, unknown>;

/** Why a token was refused; the caller turns it into a 401 and keeps the reason for its logs. */
export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

/** The algorithm a key signs with; other key types are refused (RangeError: a configuration mistake). */
export function algorithmFor(key: KeyObject): JwtAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new RangeError(`Unsupported token signing key type ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}; use RSA or ECDSA P-256`);
}

/** The `kid` Kubernetes puts in token headers: the unpadded base64url SHA-256 of the public key's DER. */
export function keyIdFor(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

export function toPrivateKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

export function toPublicKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPublicKey(key) : key;
}

// ES256 signatures in a JWS are the raw r||s pair (IEEE P1363), not DER.
const signOptions = (key: KeyObject) => ({ key, dsaEncoding: 'ieee-p1363' as const });

/** Signs `payload` as a compact JWS with the key's algorithm and key id. */
export function signJwt(payload: JwtPayload, privateKey: string | KeyObject): string {
  const key = toPrivateKey(privateKey);
  const header: JwtHeader = { alg: algorithmFor(key), kid: keyIdFor(key) };
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(signingInput), signOptions(key));
  return `${signingInput}.${signature.toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJson(part: string, what: string): Record<string, unknown> {
  if (!BASE64URL.test(part)) throw new JwtError(`malformed token ${what}`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError(`malformed token ${what}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtError(`malformed token ${what}`);
  return value as Record<string, unknown>;
}

/** A token split into its parts, its claims read but not yet trusted. */
export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

/** Reads a compact JWS without checking it; `undefined` when the string is not a JWS at all. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '' || !BASE64URL.test(p))) return undefined;
  try {
    const header = decodeJson(parts[0], 'header');
    if (typeof header.alg !== 'string') return undefined;
    const payload = decodeJson(parts[1], 'payload');
    return {
      header: header as JwtHeader,
      payload,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether one of `keys` signed the token. The header's `alg` must be the one the key signs with. Every
 * key is tried rather than picking one by `kid`: a token from another issuer may carry none.
 */
export function verifySignature(jwt: DecodedJwt, keys: readonly KeyObject[]): boolean {
  const input = Buffer.from(jwt.signingInput);
  for (const key of keys) {
    let alg: JwtAlgorithm;
    try {
      alg = algorithmFor(key);
    } catch {
      continue;
    }
    if (jwt.header.alg !== alg) continue;
    if (alg === 'ES256' && jwt.signature.length !== 64) continue;
    if (verify('sha256', input, signOptions(key), jwt.signature)) return true;
  }
  return false;
}
