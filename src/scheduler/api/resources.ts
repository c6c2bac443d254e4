import type { ResourceDescriptor } from '../../client/index.js';
import type { ClusterObjectKind } from '../snapshot/cluster-objects.js';

const core = (plural: string, kind: string, namespaced = true): ResourceDescriptor => ({ group: '', version: 'v1', plural, namespaced, kind });

export const podsResource = core('pods', 'Pod');
export const nodesResource = core('nodes', 'Node', false);
export const pvcResource = core('persistentvolumeclaims', 'PersistentVolumeClaim');
export const pvResource = core('persistentvolumes', 'PersistentVolume', false);

/** The resources whose objects the scheduler's plugins read besides pods and nodes, by the kind the core names them. */
export const objectResources: Readonly<Record<ClusterObjectKind, ResourceDescriptor>> = {
  Namespace: core('namespaces', 'Namespace', false),
  Service: core('services', 'Service'),
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true, kind: 'StatefulSet' },
  ReplicationController: core('replicationcontrollers', 'ReplicationController'),
  PersistentVolumeClaim: pvcResource,
  PersistentVolume: pvResource,
  StorageClass: { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses', namespaced: false, kind: 'StorageClass' },
  PodDisruptionBudget: { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespaced: true, kind: 'PodDisruptionBudget' },
};
