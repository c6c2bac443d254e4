import { field, type FieldError } from '../../errors.js';
import { ageColumn } from '../../human-duration.js';
import { deepEqual, type KubeObject } from '../../object.js';
import { defineResource } from '../../resource.js';
import { immutable } from '../../validation/data-keys.js';
import { arr, rec, setDefault, str, type JsonRecord } from '../../validation/json-access.js';
import { dns1123Subdomain } from '../../validation/names.js';
import { validateObjectMeta } from '../../validation/object-meta.js';
import { canonicalizeResourceList } from '../../validation/pod-spec-defaults.js';
import { formatQuantity } from '../../validation/quantity.js';
import { validateResourceQuantity } from '../../validation/resource-requirements.js';
import { validateNodeSelector } from '../../validation/scheduling-validation.js';
import { accessModesString, storageClassOf, storageString } from './printer-helpers.js';
import { nowRfc3339 } from '../../rfc3339.js';

export const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const volumeModes = ['Block', 'Filesystem'];
const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];

/** The volume sources a PersistentVolume may name; exactly one is required. */
export const persistentVolumeSources = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs',
  'iscsi', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi', 'flocker',
];

/** accessModes present, supported, and ReadWriteOncePod alone. */
export function validateAccessModes(modes: unknown, path: string, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(modes).map(str);
  if (list.length === 0) errs.push(field.required(path, requiredDetail));
  for (const m of list) if (!accessModes.includes(m)) errs.push(field.notSupported(path, m, accessModes));
  if (list.includes('ReadWriteOncePod') && list.some((m) => m !== 'ReadWriteOncePod')) {
    errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  }
  return errs;
}

function specOf(o: KubeObject): JsonRecord {
  return rec(o.spec) ?? {};
}

function validatePV(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj, false);
  const spec = specOf(obj);
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', ''));
  const capacity = rec(spec.capacity) ?? {};
  const names = Object.keys(capacity);
  if (names.length === 0) errs.push(field.required('spec.capacity'));
  else if (!('storage' in capacity) || names.length > 1) errs.push(field.notSupported('spec.capacity', capacity, ['storage']));
  for (const [name, raw] of Object.entries(capacity)) {
    const q = validateResourceQuantity(name, raw, `spec.capacity[${name}]`, errs);
    if (q && q.nanos <= 0n) errs.push(field.invalid(`spec.capacity[${name}]`, formatQuantity(q), 'must be greater than zero'));
  }
  const policy = str(spec.persistentVolumeReclaimPolicy);
  if (policy && !reclaimPolicies.includes(policy)) errs.push(field.notSupported('spec.persistentVolumeReclaimPolicy', policy, reclaimPolicies));
  const className = str(spec.storageClassName);
  if (className) for (const m of dns1123Subdomain(className)) errs.push(field.invalid('spec.storageClassName', className, m));
  if (spec.volumeMode !== undefined && !volumeModes.includes(str(spec.volumeMode))) {
    errs.push(field.notSupported('spec.volumeMode', spec.volumeMode, volumeModes));
  }
  const sources = persistentVolumeSources.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (sources.length === 0) errs.push(field.required('spec', 'must specify a volume type'));
  for (const k of sources.slice(1)) errs.push(field.forbidden(`spec.${k}`, 'may not specify more than 1 volume type'));
  const hostPath = rec(spec.hostPath);
  if (hostPath && !str(hostPath.path)) errs.push(field.required('spec.hostPath.path'));
  const local = rec(spec.local);
  if (local && !str(local.path)) errs.push(field.required('spec.local.path'));
  const nfs = rec(spec.nfs);
  if (nfs) {
    if (!str(nfs.server)) errs.push(field.required('spec.nfs.server'));
    if (!str(nfs.path)) errs.push(field.required('spec.nfs.path'));
  }
  const csi = rec(spec.csi);
  if (csi) {
    if (!str(csi.driver)) errs.push(field.required('spec.csi.driver'));
    if (!str(csi.volumeHandle)) errs.push(field.required('spec.csi.volumeHandle'));
  }
  const affinity = rec(spec.nodeAffinity);
  if (affinity) {
    if (!affinity.required) errs.push(field.required('spec.nodeAffinity.required', 'must specify required node constraints'));
    else errs.push(...validateNodeSelector(affinity.required, 'spec.nodeAffinity.required'));
  }
  if (local && !affinity) errs.push(field.required('metadata.annotations', 'Local volume requires node affinity'));
  const claimRef = rec(spec.claimRef);
  if (claimRef && !str(claimRef.name)) errs.push(field.required('spec.claimRef.name'));
  return errs;
}

function sourceOf(spec: JsonRecord): JsonRecord {
  const out: JsonRecord = {};
  for (const k of persistentVolumeSources) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

function validatePVUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs: FieldError[] = [];
  if (!deepEqual(sourceOf(spec), sourceOf(oldSpec))) {
    errs.push(field.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if (spec.volumeMode !== oldSpec.volumeMode) errs.push(immutable('volumeMode', spec.volumeMode));
  if (oldSpec.nodeAffinity !== undefined && !deepEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(immutable('nodeAffinity', spec.nodeAffinity));
  }
  return errs;
}

export const persistentVolume = defineResource({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  namespaced: false,
  schema: 'io.k8s.api.core.v1.PersistentVolume',
  shortNames: ['pv'],
  subresources: { status: true },
  generation: false,
  strategy: {
    prepare(obj, ctx) {
      const now = nowRfc3339();
      if (!ctx.old) {
        obj.status = { phase: 'Pending', lastPhaseTransitionTime: now };
        return;
      }
      // A phase change is stamped with its time.
      const status = rec(obj.status);
      const oldPhase = str(rec(ctx.old.status)?.phase);
      if (ctx.subresource === 'status' && status && str(status.phase) !== oldPhase) status.lastPhaseTransitionTime = now;
    },
    default(obj) {
      const spec = rec(obj.spec);
      if (spec) {
        setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
        setDefault(spec, 'volumeMode', 'Filesystem');
        canonicalizeResourceList(spec.capacity);
        const hostPath = rec(spec.hostPath);
        if (hostPath) setDefault(hostPath, 'type', '');
      }
      const status = rec(obj.status);
      if (status) setDefault(status, 'phase', 'Pending');
    },
    validate: validatePV,
    validateUpdate: validatePVUpdate,
  },
  printerColumns: [
    {
      name: 'Capacity',
      type: 'string',
      description: "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
      priority: 0,
      cell: (o) => storageString(specOf(o).capacity),
    },
    {
      name: 'Access Modes',
      type: 'string',
      description: 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes',
      priority: 0,
      cell: (o) => accessModesString(specOf(o).accessModes),
    },
    {
      name: 'Reclaim Policy',
      type: 'string',
      description:
        'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming',
      priority: 0,
      cell: (o) => str(specOf(o).persistentVolumeReclaimPolicy),
    },
    {
      name: 'Status',
      type: 'string',
      description: 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase',
      priority: 0,
      cell: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : str(rec(o.status)?.phase)),
    },
    {
      name: 'Claim',
      type: 'string',
      description:
        'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
      priority: 0,
      cell: (o) => {
        const ref = rec(specOf(o).claimRef);
        return ref ? `${str(ref.namespace)}/${str(ref.name)}` : '';
      },
    },
    { name: 'StorageClass', type: 'string', description: 'StorageClass of the pv', priority: 0, cell: (o) => storageClassOf(o) },
    {
      name: 'VolumeAttributesClass',
      type: 'string',
      description: 'VolumeAttributesClass of the pv',
      priority: 0,
      cell: (o) => (typeof specOf(o).volumeAttributesClassName === 'string' ? str(specOf(o).volumeAttributesClassName) : '<unset>'),
    },
    {
      name: 'Reason',
      type: 'string',
      description: 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
      priority: 0,
      cell: (o) => str(rec(o.status)?.reason),
    },
    ageColumn(),
    {
      name: 'VolumeMode',
      type: 'string',
      description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.',
      priority: 1,
      cell: (o) => str(specOf(o).volumeMode) || '<unset>',
    },
  ],
  selectableFields: {
    // Kept by Kubernetes for old clients.
    name: (o) => o.metadata.name,
  },
});
