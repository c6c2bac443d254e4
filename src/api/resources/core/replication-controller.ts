import { defineResource } from '../../resource.js';

export const replicationController = defineResource({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ReplicationController',
  shortNames: ['rc'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'] } },
});
