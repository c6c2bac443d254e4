import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { validateLabelSelector } from '../../validation/label-selector-validation.js';
import { ageColumn } from '../../validation/workload-columns.js';
import { intOf, specOf, statusOf } from '../../validation/workload-fields.js';
import { validateAtMost100Percent, validateIntOrPercent } from '../../validation/workload-validation.js';

const evictionPolicies = ['AlwaysAllow', 'IfHealthyBudget'];

const isSet = (v: unknown) => v !== undefined && v !== null;

function validatePodDisruptionBudget(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const errs = validateObjectMeta(obj, true);
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(field.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable']) {
    if (!isSet(spec[f])) continue;
    errs.push(...validateIntOrPercent(spec[f], `spec.${f}`), ...validateAtMost100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !evictionPolicies.includes(String(policy))) {
    errs.push(field.notSupported('spec.unhealthyPodEvictionPolicy', policy, evictionPolicies));
  }
  return errs;
}

/** IntOrString.String(): numbers and strings as written, `N/A` when unset. */
function intOrStringCell(v: unknown): string {
  return isSet(v) ? String(v) : 'N/A';
}

export const podDisruptionBudget = defineResource({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  namespaced: true,
  schema: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  shortNames: ['pdb'],
  subresources: { status: true },
  strategy: { validate: validatePodDisruptionBudget },
  printerColumns: [
    {
      name: 'Min Available',
      type: 'string',
      description: 'The minimum number of pods that must be available.',
      priority: 0,
      cell: (obj) => intOrStringCell(specOf(obj).minAvailable),
    },
    {
      name: 'Max Unavailable',
      type: 'string',
      description: 'The maximum number of pods that may be unavailable.',
      priority: 0,
      cell: (obj) => intOrStringCell(specOf(obj).maxUnavailable),
    },
    {
      name: 'Allowed Disruptions',
      type: 'integer',
      description: 'Calculated number of pods that may be disrupted at this time.',
      priority: 0,
      cell: (obj) => intOf(statusOf(obj).disruptionsAllowed),
    },
    ageColumn,
  ],
});
