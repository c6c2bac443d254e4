/**
 * What a cluster needs before nodes can join with a bootstrap token, as kubeadm sets it up: the
 * kube-public `cluster-info` ConfigMap (the CA a joining node downloads and checks against its pinned
 * hash) readable anonymously, and RBAC letting bootstrappers and nodes ask for node certificates.
 */
import type { KubeObject } from '../../api/index.js';
import { NODE_CERTIFICATE_PATH } from './node-certificate-endpoint.js';

export const CLUSTER_INFO = { namespace: 'kube-public', name: 'cluster-info' } as const;
export const NODE_BOOTSTRAPPER_ROLE = 'wharf:node-bootstrapper';
export const CLUSTER_INFO_READER_ROLE = 'wharf:bootstrap-signer-clusterinfo';

/** The `cluster-info` ConfigMap: a kubeconfig with the server and the CA, and no credentials. */
export function clusterInfoConfigMap(server: string, caPem: string): KubeObject {
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    `    server: ${server}`,
    '  name: ""',
    'contexts: []',
    'current-context: ""',
    'preferences: {}',
    'users: []',
    '',
  ].join('\n');
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...CLUSTER_INFO }, data: { kubeconfig } };
}

/** The CA of a `cluster-info` ConfigMap, PEM; throws when it has none. */
export function caOfClusterInfo(configMap: KubeObject): string {
  const kubeconfig = (configMap.data as Record<string, string> | undefined)?.kubeconfig ?? '';
  const m = /certificate-authority-data:\s*([A-Za-z0-9+/=]+)/.exec(kubeconfig);
  if (!m) throw new Error(`${CLUSTER_INFO.namespace}/${CLUSTER_INFO.name} holds no certificate-authority-data`);
  return Buffer.from(m[1], 'base64').toString('utf8');
}

const labels = { 'app.kubernetes.io/managed-by': 'wharf-join' };

/** Role, bindings and ClusterRole that `wharf join` makes sure exist (created, or replaced when changed). */
export function joinRbacObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: CLUSTER_INFO_READER_ROLE, namespace: CLUSTER_INFO.namespace, labels },
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [CLUSTER_INFO.name], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: CLUSTER_INFO_READER_ROLE, namespace: CLUSTER_INFO.namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CLUSTER_INFO_READER_ROLE },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: NODE_BOOTSTRAPPER_ROLE, labels },
      // Wharf resolves a non-resource POST to the verb "create"; "post" is what Kubernetes itself uses.
      rules: [{ nonResourceURLs: [NODE_CERTIFICATE_PATH], verbs: ['create', 'post'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: NODE_BOOTSTRAPPER_ROLE, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NODE_BOOTSTRAPPER_ROLE },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:bootstrappers' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' },
      ],
    },
  ];
}
