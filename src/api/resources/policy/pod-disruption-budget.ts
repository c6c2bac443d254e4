import { defineResource } from '../../resource.js';

export const podDisruptionBudget = defineResource({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  namespaced: true,
  schema: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  shortNames: ['pdb'],
  subresources: { status: true },
});
