import { defineResource } from '../../resource.js';
import { createdAtColumn } from '../../human-duration.js';
import { rbacGroup, validateRbacMeta, validateRules } from './rbac-validation.js';

export const role = defineResource({
  group: rbacGroup,
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
  schema: 'io.k8s.api.rbac.v1.Role',
  generation: false,
  strategy: {
    validate: (obj) => [...validateRbacMeta(obj, true), ...validateRules(obj, true)],
  },
  printerColumns: [createdAtColumn],
});
