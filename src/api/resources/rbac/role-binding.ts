import { defineResource } from '../../resource.js';
import { bindingColumns } from './rbac-columns.js';
import { defaultBinding, rbacGroup, validateBinding, validateBindingUpdate } from './rbac-validation.js';

export const roleBinding = defineResource({
  group: rbacGroup,
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
  schema: 'io.k8s.api.rbac.v1.RoleBinding',
  generation: false,
  strategy: {
    default: defaultBinding,
    validate: (obj) => validateBinding(obj, true),
    validateUpdate: validateBindingUpdate,
  },
  printerColumns: bindingColumns,
});
