/**
 * The `X-Broker-API-Originating-Identity` header as the OSB profile defines it for Kubernetes:
 * `kubernetes <base64 of {"username","uid","groups","extra"}>`.
 */
import type { OriginatingIdentity } from './types.js';

export const ORIGINATING_IDENTITY_PLATFORM = 'kubernetes';

/** The header value for a Kubernetes user. `uid`, `groups` and `extra` are always present, as the profile requires. */
export function encodeOriginatingIdentity(user: OriginatingIdentity): string {
  const value = {
    username: user.username,
    uid: user.uid ?? '',
    groups: user.groups ?? [],
    extra: user.extra ?? {},
  };
  return `${ORIGINATING_IDENTITY_PLATFORM} ${Buffer.from(JSON.stringify(value), 'utf8').toString('base64')}`;
}

/** Splits a header into its platform and decoded JSON object; undefined when it is not in the spec's format. */
export function decodeOriginatingIdentity(header: string | undefined): { platform: string; value: Record<string, unknown> } | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space <= 0) return undefined;
  const platform = header.slice(0, space);
  const encoded = header.slice(space + 1).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return { platform, value: parsed as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
