import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { PROVISIONED_BY_ANNOTATION, PV_FINALIZER } from './annotations.js';
import type { ProvisionedVolume } from './provisioner.js';

/** `pvc-<claim uid>`: one name per claim, so a repeated attempt finds the PV the last one made. */
export function volumeNameFor(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata?.uid ?? ''}`;
}

/**
 * The PV a provisioner's answer becomes: pre-bound to the claim (kind, apiVersion, namespace, name,
 * uid) so only that claim can take it, with the class's reclaim policy and mount options.
 */
export function volumeForClaim(provisioner: string, claim: PersistentVolumeClaim, cls: StorageClass, made: ProvisionedVolume): PersistentVolume {
  const m = claim.metadata ?? {};
  const spec = claim.spec ?? {};
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeNameFor(claim),
      annotations: { [PROVISIONED_BY_ANNOTATION]: provisioner },
      finalizers: [PV_FINALIZER],
    },
    spec: {
      ...made.source,
      capacity: { storage: made.capacity ?? spec.resources?.requests?.storage ?? '0' },
      accessModes: spec.accessModes ?? ['ReadWriteOnce'],
      volumeMode: spec.volumeMode ?? 'Filesystem',
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: cls.metadata?.name ?? '',
      ...(cls.mountOptions?.length ? { mountOptions: cls.mountOptions } : {}),
      ...(made.nodeAffinity ? { nodeAffinity: made.nodeAffinity } : {}),
      claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid },
    },
  };
}

/** Node affinity that pins a volume to one node by `kubernetes.io/hostname`. */
export function hostnameAffinity(node: string): NonNullable<ProvisionedVolume['nodeAffinity']> {
  return { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } };
}
