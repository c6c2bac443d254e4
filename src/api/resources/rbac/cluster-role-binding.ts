import { defineResource } from '../../resource.js';
import { bindingColumns } from './rbac-columns.js';
import { defaultBinding, rbacGroup, validateBinding, validateBindingUpdate } from './rbac-validation.js';

export const clusterRoleBinding = defineResource({
  group: rbacGroup,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
  schema: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  generation: false,
  strategy: {
    default: defaultBinding,
    validate: (obj) => validateBinding(obj, false),
    validateUpdate: validateBindingUpdate,
  },
  printerColumns: bindingColumns,
});
