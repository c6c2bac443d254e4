import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { ageColumn } from '../../validation/workload-columns.js';
import { specOf } from '../../validation/workload-fields.js';

function validateLease(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) errs.push(field.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) {
    errs.push(field.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  }
  const strategy = spec.strategy;
  if (strategy !== undefined && strategy !== null && strategy !== 'OldestEmulationVersion') {
    errs.push(field.notSupported('spec.strategy', strategy, ['OldestEmulationVersion']));
  }
  if (typeof spec.preferredHolder === 'string' && spec.preferredHolder !== '' && (strategy === undefined || strategy === null || strategy === '')) {
    errs.push(field.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const lease = defineResource({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
  schema: 'io.k8s.api.coordination.v1.Lease',
  // Leases are renewed constantly; Kubernetes keeps no generation for them.
  generation: false,
  strategy: { validate: validateLease },
  printerColumns: [
    {
      name: 'Holder',
      type: 'string',
      description: 'holderIdentity contains the identity of the holder of a current lease.',
      priority: 0,
      cell: (obj) => (typeof specOf(obj).holderIdentity === 'string' ? (specOf(obj).holderIdentity as string) : ''),
    },
    ageColumn,
  ],
});
