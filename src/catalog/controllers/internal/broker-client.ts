import { isNotFound, type KubeObject } from '../../../api/index.js';
import type { ClusterServiceBrokerSpec, ServiceBrokerSpec } from '../../../api/resources/servicecatalog/index.js';
import type { ApiClient } from '../../../client/index.js';
import { OsbClient, type OsbAuth, type OsbFailure } from '../../osb/index.js';
import type { CatalogResources } from './catalog-resources.js';

/** A problem with the broker object or its Secret, as a reason and a message for a condition. */
export class BrokerConfigError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerConfigError';
  }
}

function secretValue(secret: KubeObject, key: string): string | undefined {
  const data = secret.data as Record<string, string> | undefined;
  const v = data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/** The auth a broker's `authInfo` names, read from its Secret. */
async function authOf(client: ApiClient, r: CatalogResources, broker: KubeObject): Promise<OsbAuth | undefined> {
  const spec = broker.spec as ClusterServiceBrokerSpec | ServiceBrokerSpec;
  const auth = spec.authInfo;
  if (!auth) return undefined;
  const ref = (auth.basic ?? auth.bearer)?.secretRef as { name?: string; namespace?: string } | undefined;
  if (!ref?.name) return undefined;
  // A namespaced broker reads only its own namespace's Secrets, whatever the reference says.
  const namespace = broker.metadata.namespace ?? ref.namespace ?? '';
  let secret: KubeObject;
  try {
    secret = await client.get(r.secrets, ref.name, { namespace });
  } catch (e) {
    if (isNotFound(e)) throw new BrokerConfigError('ErrorGettingAuthCredentials', `Error getting broker auth credentials: secret "${namespace}/${ref.name}" not found`);
    throw e;
  }
  if (auth.basic) {
    const username = secretValue(secret, 'username');
    const password = secretValue(secret, 'password');
    if (username === undefined && password === undefined) {
      throw new BrokerConfigError('ErrorGettingAuthCredentials', `Error getting broker auth credentials: secret "${namespace}/${ref.name}" has neither "username" nor "password"`);
    }
    return { basic: { username: username ?? '', password: password ?? '' } };
  }
  const token = secretValue(secret, 'token');
  if (token === undefined) throw new BrokerConfigError('ErrorGettingAuthCredentials', `Error getting broker auth credentials: secret "${namespace}/${ref.name}" has no "token"`);
  return { bearer: { token } };
}

/** An OSB client for a broker object (close it when done). */
export async function brokerClient(client: ApiClient, r: CatalogResources, broker: KubeObject, timeoutMs: number): Promise<OsbClient> {
  const spec = broker.spec as ClusterServiceBrokerSpec | ServiceBrokerSpec;
  const auth = await authOf(client, r, broker);
  try {
    return new OsbClient({
      url: spec.url,
      auth,
      caBundle: spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined,
      insecureSkipTLSVerify: spec.insecureSkipTLSVerify === true,
      timeoutMs,
    });
  } catch (e) {
    throw new BrokerConfigError('ErrorInvalidBrokerSpec', (e as Error).message);
  }
}

/** A broker failure for a condition or event: its description, then the HTTP status and error code. */
export function describeFailure(f: OsbFailure): string {
  const code = f.status ? ` (HTTP ${f.status}${f.error ? ` ${f.error}` : ''})` : '';
  return `${f.description}${code}`;
}
