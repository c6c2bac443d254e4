import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  clusterName?: string;
  user?: string;
  /** The CA that signed the server's certificate (PEM). */
  caPem?: string;
  /** The user's client certificate and key (PEM). */
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
}

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

/** A kubeconfig for one cluster and user, in the YAML kubectl reads. */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? 'wharf';
  const user = opts.user ?? 'admin';
  const clusterEntry: Record<string, unknown> = { server: opts.server };
  if (opts.caPem) clusterEntry['certificate-authority-data'] = b64(opts.caPem);
  // client-node refuses plain http unless TLS verification is explicitly off; kubectl ignores it there.
  else if (opts.server.startsWith('http:')) clusterEntry['insecure-skip-tls-verify'] = true;
  const userEntry: Record<string, unknown> = {};
  if (opts.clientCertPem && opts.clientKeyPem) {
    userEntry['client-certificate-data'] = b64(opts.clientCertPem);
    userEntry['client-key-data'] = b64(opts.clientKeyPem);
  }
  if (opts.token) userEntry.token = opts.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: clusterEntry }],
    users: [{ name: user, user: userEntry }],
    contexts: [{ name: cluster, context: { cluster, user, namespace: 'default' } }],
    'current-context': cluster,
    preferences: {},
  });
}
