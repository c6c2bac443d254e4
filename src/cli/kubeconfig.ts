import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  clusterName?: string;
  user?: string;
}

/** An admin kubeconfig for one cluster, in the YAML kubectl reads. */
export function renderKubeconfig(opts: KubeconfigOptions): string {
  const cluster = opts.clusterName ?? 'wharf';
  const user = opts.user ?? 'admin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is explicitly off; kubectl ignores it there.
    clusters: [{ name: cluster, cluster: { server: opts.server, ...(opts.server.startsWith('http:') ? { 'insecure-skip-tls-verify': true } : {}) } }],
    users: [{ name: user, user: {} }],
    contexts: [{ name: cluster, context: { cluster, user, namespace: 'default' } }],
    'current-context': cluster,
    preferences: {},
  });
}
