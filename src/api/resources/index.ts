import { namespace } from './core/namespace.js';
import { pod } from './core/pod.js';
import { node } from './core/node.js';
import { service } from './core/service.js';
import { endpoints } from './core/endpoints.js';
import { configMap } from './core/config-map.js';
import { secret } from './core/secret.js';
import { serviceAccount } from './core/service-account.js';
import { event } from './core/event.js';
import { persistentVolume } from './core/persistent-volume.js';
import { persistentVolumeClaim } from './core/persistent-volume-claim.js';
import { replicationController } from './core/replication-controller.js';
import { limitRange } from './core/limit-range.js';
import { resourceQuota } from './core/resource-quota.js';
import { deployment } from './apps/deployment.js';
import { replicaSet } from './apps/replica-set.js';
import { statefulSet } from './apps/stateful-set.js';
import { daemonSet } from './apps/daemon-set.js';
import { controllerRevision } from './apps/controller-revision.js';
import { job } from './batch/job.js';
import { cronJob } from './batch/cron-job.js';
import { lease } from './coordination/lease.js';
import { storageClass } from './storage/storage-class.js';
import { eventV1 } from './events/event.js';
import { endpointSlice } from './discovery/endpoint-slice.js';
import { podDisruptionBudget } from './policy/pod-disruption-budget.js';
import { priorityClass } from './scheduling/priority-class.js';
import { role } from './rbac/role.js';
import { clusterRole } from './rbac/cluster-role.js';
import { roleBinding } from './rbac/role-binding.js';
import { clusterRoleBinding } from './rbac/cluster-role-binding.js';
import { subjectAccessReview } from './authorization/subject-access-review.js';
import { selfSubjectAccessReview } from './authorization/self-subject-access-review.js';
import { localSubjectAccessReview } from './authorization/local-subject-access-review.js';
import { selfSubjectRulesReview } from './authorization/self-subject-rules-review.js';
import { selfSubjectReview } from './authentication/self-subject-review.js';
import { serviceCatalogResources } from './servicecatalog/index.js';
import type { ResourceDefinition } from '../resource.js';

/** Every built-in resource, in the order discovery lists them. */
export const builtinResources: readonly ResourceDefinition[] = [
  namespace,
  pod,
  node,
  service,
  endpoints,
  configMap,
  secret,
  serviceAccount,
  event,
  persistentVolume,
  persistentVolumeClaim,
  replicationController,
  limitRange,
  resourceQuota,
  deployment,
  replicaSet,
  statefulSet,
  daemonSet,
  controllerRevision,
  job,
  cronJob,
  lease,
  storageClass,
  eventV1,
  endpointSlice,
  podDisruptionBudget,
  priorityClass,
  role,
  clusterRole,
  roleBinding,
  clusterRoleBinding,
  subjectAccessReview,
  selfSubjectAccessReview,
  localSubjectAccessReview,
  selfSubjectRulesReview,
  selfSubjectReview,
  ...serviceCatalogResources,
];
