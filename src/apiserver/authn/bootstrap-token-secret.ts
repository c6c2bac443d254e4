/**
 * Bootstrap tokens as Kubernetes stores them: `<id>.<secret>` (6 and 16 characters of [a-z0-9]) kept in
 * a Secret of type `bootstrap.kubernetes.io/token` named `bootstrap-token-<id>` in kube-system, whose
 * data says when the token expires, what it may be used for and which extra groups it confers.
 */
import { randomInt } from 'node:crypto';
import type { KubeObject } from '../../api/index.js';
import { rfc3339 } from '../../api/rfc3339.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAP_GROUP = 'system:bootstrappers';

const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** What an extra group must look like: a subgroup of system:bootstrappers (as upstream validates them). */
const EXTRA_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** Splits `<id>.<secret>`; `undefined` when the text is not shaped like a bootstrap token. */
export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const m = TOKEN_PATTERN.exec(text);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function formatBootstrapToken(token: BootstrapToken): string {
  return `${token.id}.${token.secret}`;
}

/** A fresh random token (about 134 bits of secret, from the system's CSPRNG). */
export function generateBootstrapToken(): BootstrapToken {
  const pick = (n: number): string => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return { id: pick(6), secret: pick(16) };
}

export function bootstrapTokenSecretName(id: string): string {
  return `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`;
}

/** True for a group a bootstrap token may confer beside `system:bootstrappers`. */
export function isValidExtraGroup(group: string): boolean {
  return EXTRA_GROUP_PATTERN.test(group);
}

export interface BootstrapTokenSecretOptions {
  /** When the token stops working; none means never. */
  expires?: Date;
  description?: string;
  /** Groups beside `system:bootstrappers`, each `system:bootstrappers:<something>`. */
  extraGroups?: string[];
  /** Usages: authentication (the default) and/or signing (of the kube-public cluster-info ConfigMap). */
  usages?: ('authentication' | 'signing')[];
}

/** The Secret that makes `token` valid, with `stringData` (the API server encodes it into `data`). */
export function bootstrapTokenSecret(token: BootstrapToken, opts: BootstrapTokenSecretOptions = {}): KubeObject {
  for (const g of opts.extraGroups ?? []) {
    if (!isValidExtraGroup(g)) throw new RangeError(`Invalid bootstrap token extra group "${g}": must match ${EXTRA_GROUP_PATTERN.source}`);
  }
  const stringData: Record<string, string> = { 'token-id': token.id, 'token-secret': token.secret };
  if (opts.description) stringData.description = opts.description;
  // RFC 3339 to the second, as Kubernetes writes a token's `expiration`.
  if (opts.expires) stringData.expiration = rfc3339(opts.expires.getTime());
  for (const usage of opts.usages ?? ['authentication']) stringData[`usage-bootstrap-${usage}`] = 'true';
  if (opts.extraGroups?.length) stringData['auth-extra-groups'] = opts.extraGroups.join(',');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: bootstrapTokenSecretName(token.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    stringData,
  };
}
