import type { KubeObject } from '../api/index.js';
import { handleTokenRequest, tokenRequestBoundObjectRef } from './authn/index.js';

export interface TokenIssuer {
  privateKeyPem: string;
  issuer: string;
}

/** Answers `POST serviceaccounts/<name>/token` with a signed, bound token. */
export async function issueToken(
  issuer: TokenIssuer,
  sa: KubeObject,
  body: unknown,
  lookup: (kind: string, namespace: string | undefined, name: string) => Promise<KubeObject | undefined>,
): Promise<object> {
  const ref = tokenRequestBoundObjectRef(body);
  const boundObject = ref ? await lookup(ref.kind, sa.metadata.namespace, ref.name) : undefined;
  return handleTokenRequest(body, sa, issuer.privateKeyPem, issuer.issuer, { boundObject });
}
