import { messageTable } from './messages.js';

/** The table's package name for each API group Wharf serves (version v1 only). */
const groupPackages: Readonly<Record<string, string>> = {
  '': 'core',
  apps: 'apps',
  batch: 'batch',
  'coordination.k8s.io': 'coordination',
  'storage.k8s.io': 'storage',
  'events.k8s.io': 'events',
  'discovery.k8s.io': 'discovery',
  policy: 'policy',
  autoscaling: 'autoscaling',
  'authentication.k8s.io': 'authentication',
  'rbac.authorization.k8s.io': 'rbac',
  'authorization.k8s.io': 'authorization',
  'scheduling.k8s.io': 'scheduling',
  'meta.k8s.io': 'meta',
};

/** Kinds that may be sent as a top-level object, by package. */
const packageKinds: Readonly<Record<string, readonly string[]>> = {
  core: [
    'Namespace', 'Pod', 'Node', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'ServiceAccount', 'Event',
    'PersistentVolume', 'PersistentVolumeClaim', 'ReplicationController', 'Binding', 'LimitRange', 'ResourceQuota',
  ],
  apps: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision'],
  batch: ['Job', 'CronJob'],
  coordination: ['Lease'],
  storage: ['StorageClass'],
  events: ['Event'],
  discovery: ['EndpointSlice'],
  policy: ['PodDisruptionBudget', 'Eviction'],
  autoscaling: ['Scale'],
  authentication: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'],
  rbac: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  authorization: ['SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview'],
  scheduling: ['PriorityClass'],
  meta: ['DeleteOptions', 'Status'],
};

/**
 * meta/v1 kinds every group version carries: Kubernetes registers DeleteOptions into each group
 * version, and Status is unversioned, so clients label them with whatever group they talk to.
 */
const sharedMetaKinds: ReadonlySet<string> = new Set(['DeleteOptions', 'Status']);

/** The table key of the message for apiVersion and kind, or undefined if Wharf has none. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const pkg = Object.hasOwn(groupPackages, group) ? groupPackages[group] : undefined;
  if (pkg === undefined || version !== 'v1') return undefined;
  const owner = sharedMetaKinds.has(kind) ? 'meta' : pkg;
  if (!packageKinds[owner].includes(kind)) return undefined;
  const name = `${owner}.${kind}`;
  return Object.hasOwn(messageTable, name) ? name : undefined;
}
