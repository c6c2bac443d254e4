import type { AuditPolicy } from './types.js';

/**
 * What `wharf up` audits without a policy file: who touched what (Metadata) for every request, except probes and
 * the lease renewals of nodes and Wharf's own components, which arrive every few seconds and would bury the rest.
 * Metadata never carries request or response bodies, so Secret values stay out of the log. Like the example policies
 * of Kubernetes' documentation and its GCE cluster scripts, it omits the RequestReceived stage: the ResponseComplete
 * event of the same request carries everything it had (its requestReceivedTimestamp included), so it only doubled
 * the log and the server's work per request. Watches still log ResponseStarted, and a request that fails inside the
 * server logs Panic.
 */
export function defaultAuditPolicy(): AuditPolicy {
  const leases = [{ group: 'coordination.k8s.io', resources: ['leases'] }];
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', nonResourceURLs: ['/healthz*', '/readyz*', '/livez*', '/version'] },
      { level: 'None', users: ['system:kube-scheduler', 'system:kube-controller-manager'], verbs: ['update', 'patch'], resources: leases },
      { level: 'None', userGroups: ['system:nodes'], verbs: ['update', 'patch'], resources: leases },
      { level: 'Metadata' },
    ],
  };
}
