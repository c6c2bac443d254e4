import { field, type FieldError } from '../../errors.js';
import { deepEqual, isPlainObject, type KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { qualifiedName } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { ageColumn } from '../../validation/workload-columns.js';
import { validateImmutable } from '../../validation/workload-validation.js';

const maxParameters = 512;
const maxParametersSize = 256 * 1024;

/** The annotations that make a class the cluster default (the beta one is still honoured). */
const defaultClassAnnotations = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** Whether the class is marked default; kubectl shows it as `<name> (default)`. */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const annotations = obj.metadata.annotations ?? {};
  return defaultClassAnnotations.some((a) => annotations[a] === 'true');
}

/** The NAME cell of `kubectl get storageclass`: the name, plus ` (default)` for the default class. */
export function storageClassDisplayName(obj: KubeObject): string {
  const name = obj.metadata.name ?? '';
  return isDefaultStorageClass(obj) ? `${name} (default)` : name;
}

function defaultStorageClass(obj: KubeObject): void {
  if (obj.reclaimPolicy === undefined || obj.reclaimPolicy === null) obj.reclaimPolicy = 'Delete';
  if (obj.volumeBindingMode === undefined || obj.volumeBindingMode === null) obj.volumeBindingMode = 'Immediate';
}

function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, false);
  const provisioner = typeof obj.provisioner === 'string' ? obj.provisioner : '';
  if (provisioner === '') errs.push(field.required('provisioner'));
  else for (const m of qualifiedName(provisioner.toLowerCase())) errs.push(field.invalid('provisioner', provisioner, m));
  const params = obj.parameters;
  if (isPlainObject(params)) {
    const entries = Object.entries(params);
    if (entries.length > maxParameters) {
      errs.push(field.tooLong('parameters', maxParameters));
    } else {
      let size = 0;
      for (const [k, v] of entries) {
        if (k.length < 1) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
        size += k.length + String(v).length;
      }
      if (size > maxParametersSize) errs.push(field.tooLong('parameters', maxParametersSize));
    }
  }
  const reclaimPolicy = obj.reclaimPolicy;
  if (typeof reclaimPolicy === 'string' && reclaimPolicy !== '' && reclaimPolicy !== 'Delete' && reclaimPolicy !== 'Retain') {
    errs.push(field.notSupported('reclaimPolicy', reclaimPolicy, ['Delete', 'Retain']));
  }
  const mode = obj.volumeBindingMode;
  if (mode === undefined || mode === null) errs.push(field.required('volumeBindingMode'));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') {
    errs.push(field.notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  }
  return errs;
}

/** Provisioned volumes already carry the class's settings, so those settings are fixed once created. */
function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(obj.parameters ?? null, old.parameters ?? null)) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (obj.provisioner !== old.provisioner) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutable(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export const storageClass = defineResource({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  namespaced: false,
  schema: 'io.k8s.api.storage.v1.StorageClass',
  shortNames: ['sc'],
  generation: false,
  strategy: { default: defaultStorageClass, validate: validateStorageClass, validateUpdate: validateStorageClassUpdate },
  displayName: storageClassDisplayName,
  printerColumns: [
    {
      name: 'Provisioner',
      type: 'string',
      description: 'provisioner indicates the type of the provisioner.',
      priority: 0,
      cell: (obj) => (typeof obj.provisioner === 'string' ? obj.provisioner : ''),
    },
    {
      name: 'ReclaimPolicy',
      type: 'string',
      description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
      priority: 0,
      cell: (obj) => (typeof obj.reclaimPolicy === 'string' ? obj.reclaimPolicy : 'Delete'),
    },
    {
      name: 'VolumeBindingMode',
      type: 'string',
      description:
        'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.',
      priority: 0,
      cell: (obj) => (typeof obj.volumeBindingMode === 'string' ? obj.volumeBindingMode : 'Immediate'),
    },
    {
      name: 'AllowVolumeExpansion',
      type: 'string',
      description: 'allowVolumeExpansion shows whether the storage class allow volume expand.',
      priority: 0,
      cell: (obj) => obj.allowVolumeExpansion === true,
    },
    ageColumn,
  ],
});
