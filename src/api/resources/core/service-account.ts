import { ageColumn } from '../../human-duration.js';
import { defineResource } from '../../resource.js';
import { arr } from '../../validation/json-access.js';
import { validateObjectMeta } from '../../validation/object-meta.js';

export const serviceAccount = defineResource({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
  subresources: { token: true },
  schema: 'io.k8s.api.core.v1.ServiceAccount',
  shortNames: ['sa'],
  generation: false,
  strategy: {
    validate: (obj) => validateObjectMeta(obj, true),
  },
  printerColumns: [
    {
      name: 'Secrets',
      type: 'string',
      description:
        'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
      priority: 0,
      cell: (o) => arr(o.secrets).length,
    },
    ageColumn(),
  ],
});
