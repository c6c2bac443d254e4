import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import { deepEqual, type KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { immutable } from '../../validation/data-keys.js';
import { rec, setDefault, str, type JsonRecord } from '../../validation/json-access.js';
import { validateLabelSelector } from '../../validation/label-selector-validation.js';
import { dns1123Subdomain } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { canonicalizeResourceList } from '../../validation/pod-spec-defaults.js';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../validation/quantity.js';
import { validateResourceQuantity } from '../../validation/resource-requirements.js';
import { validateAccessModes, volumeModes } from './persistent-volume.js';
import { accessModesString, storageClassOf, storageString } from './printer-helpers.js';

const storageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

function specOf(o: KubeObject): JsonRecord {
  return rec(o.spec) ?? {};
}

function storageRequest(spec: JsonRecord): Quantity | undefined {
  const raw = rec(rec(spec.resources)?.requests)?.storage;
  return typeof raw === 'string' || typeof raw === 'number' ? parseQuantity(raw) : undefined;
}

function validatePVC(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, true);
  const spec = specOf(obj);
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', 'at least 1 access mode is required'));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const requests = rec(rec(spec.resources)?.requests) ?? {};
  if (!('storage' in requests)) errs.push(field.required('spec.resources[storage]'));
  else {
    const q = validateResourceQuantity('storage', requests.storage, 'spec.resources[storage]', errs);
    if (q && q.nanos <= 0n) errs.push(field.invalid('spec.resources[storage]', formatQuantity(q), 'must be greater than zero'));
  }
  const className = str(spec.storageClassName);
  if (className) for (const m of dns1123Subdomain(className)) errs.push(field.invalid('spec.storageClassName', className, m));
  if (spec.volumeMode !== undefined && !volumeModes.includes(str(spec.volumeMode))) {
    errs.push(field.notSupported('spec.volumeMode', spec.volumeMode, volumeModes));
  }
  return errs;
}

function validatePVCUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec: JsonRecord = structuredClone(specOf(obj));
  const oldSpec: JsonRecord = structuredClone(specOf(old));
  // The volume binder sets volumeName once.
  if (!str(oldSpec.volumeName)) {
    if (spec.volumeName === undefined) delete oldSpec.volumeName;
    else oldSpec.volumeName = spec.volumeName;
  }
  // Moving the class from the beta annotation to the field is allowed; otherwise the annotation is fixed.
  const oldAnn = old.metadata.annotations?.[storageClassAnnotation];
  const newAnn = obj.metadata.annotations?.[storageClassAnnotation];
  if (oldAnn !== undefined && oldSpec.storageClassName === undefined && spec.storageClassName === oldAnn) {
    delete spec.storageClassName;
  } else if (oldAnn !== newAnn) {
    errs.push(field.forbidden(`metadata.annotations[${storageClassAnnotation}]`, 'field is immutable'));
  }
  const phase = str(rec(obj.status)?.phase) || str(rec(old.status)?.phase);
  // Bound claims may be resized through resources.requests; the rest of the spec is fixed.
  if (phase === 'Bound') {
    for (const s of [spec, oldSpec]) {
      const res = rec(s.resources);
      if (res) s.resources = { ...res, requests: undefined };
    }
    delete spec.volumeAttributesClassName;
    delete oldSpec.volumeAttributesClassName;
  }
  if (!deepEqual(JSON.parse(JSON.stringify(spec)), JSON.parse(JSON.stringify(oldSpec)))) {
    errs.push(field.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const next = storageRequest(specOf(obj));
  const prev = storageRequest(specOf(old));
  if (next && prev && compareQuantities(next, prev) < 0) {
    errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  if (specOf(obj).volumeMode !== specOf(old).volumeMode) errs.push(immutable('volumeMode', specOf(obj).volumeMode));
  return errs;
}

export const persistentVolumeClaim = defineResource({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  shortNames: ['pvc'],
  subresources: { status: true },
  generation: false,
  strategy: {
    prepare(obj, ctx) {
      if (!ctx.old) obj.status = { phase: 'Pending' };
    },
    default(obj) {
      const spec = rec(obj.spec);
      if (spec) {
        setDefault(spec, 'volumeMode', 'Filesystem');
        const res = rec(spec.resources);
        if (res) {
          canonicalizeResourceList(res.requests);
          canonicalizeResourceList(res.limits);
        }
      }
      const status = rec(obj.status);
      if (status) {
        setDefault(status, 'phase', 'Pending');
        canonicalizeResourceList(status.capacity);
      }
    },
    validate: validatePVC,
    validateUpdate: validatePVCUpdate,
  },
  printerColumns: [
    {
      name: 'Status',
      type: 'string',
      description: 'phase represents the current phase of PersistentVolumeClaim.',
      priority: 0,
      cell: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : str(rec(o.status)?.phase)),
    },
    {
      name: 'Volume',
      type: 'string',
      description: 'volumeName is the binding reference to the PersistentVolume backing this claim.',
      priority: 0,
      cell: (o) => str(specOf(o).volumeName),
    },
    {
      name: 'Capacity',
      type: 'string',
      description: 'capacity represents the actual resources of the underlying volume.',
      priority: 0,
      cell: (o) => (str(specOf(o).volumeName) ? storageString(rec(o.status)?.capacity) : ''),
    },
    {
      name: 'Access Modes',
      type: 'string',
      description: 'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1',
      priority: 0,
      cell: (o) => (str(specOf(o).volumeName) ? accessModesString(rec(o.status)?.accessModes) : ''),
    },
    { name: 'StorageClass', type: 'string', description: 'StorageClass of the pvc', priority: 0, cell: (o) => storageClassOf(o) },
    {
      name: 'VolumeAttributesClass',
      type: 'string',
      description: 'VolumeAttributesClass of the pvc',
      priority: 0,
      cell: (o) => str(specOf(o).volumeAttributesClassName) || '<unset>',
    },
    ageColumn(),
    {
      name: 'VolumeMode',
      type: 'string',
      description: 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.',
      priority: 1,
      cell: (o) => str(specOf(o).volumeMode) || '<unset>',
    },
  ],
  selectableFields: {
    // Kept by Kubernetes for old clients.
    name: (o) => o.metadata.name,
  },
});
