import { field, type FieldError } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { arr, rec } from '../../validation/json-access.js';
import { validateLabelSelector } from '../../validation/label-selector-validation.js';
import { createdAtColumn } from '../../human-duration.js';
import { rbacGroup, validateRbacMeta, validateRules } from './rbac-validation.js';

function validateAggregationRule(obj: KubeObject): FieldError[] {
  if (obj.aggregationRule === undefined || obj.aggregationRule === null) return [];
  const selectors = arr(rec(obj.aggregationRule)?.clusterRoleSelectors);
  const path = 'aggregationRule.clusterRoleSelectors';
  const errs: FieldError[] = [];
  if (selectors.length === 0) errs.push(field.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, `${path}[${i}]`)));
  return errs;
}

export const clusterRole = defineResource({
  group: rbacGroup,
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
  schema: 'io.k8s.api.rbac.v1.ClusterRole',
  generation: false,
  strategy: {
    validate: (obj) => [...validateRbacMeta(obj, false), ...validateRules(obj, false), ...validateAggregationRule(obj)],
  },
  printerColumns: [createdAtColumn],
});
