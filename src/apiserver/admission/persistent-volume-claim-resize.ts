import { forbidden } from '../../api/index.js';
import { parseValue } from '../../api/validation/quantity.js';
import type { AdmissionAttributes, ObjectLister } from './types.js';

interface ClaimShape {
  spec?: { storageClassName?: string | null; resources?: { requests?: { storage?: string } } };
  status?: { phase?: string };
}

function requestedBytes(claim: ClaimShape): number {
  const q = claim.spec?.resources?.requests?.storage;
  return q === undefined ? 0 : (parseValue(q) ?? 0);
}

/**
 * PersistentVolumeClaimResize, as kube-apiserver's admission plugin: a claim may grow only once it is
 * Bound, and only when its StorageClass says `allowVolumeExpansion: true`. Shrinking is the strategy's
 * business (422); growing where nothing could resize is refused here with 403, so a user learns it at
 * once instead of from an event.
 */
export class PersistentVolumeClaimResizeAdmission {
  constructor(private readonly list?: ObjectLister) {}

  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'UPDATE' || a.subresource || a.def.group !== '' || a.def.plural !== 'persistentvolumeclaims' || !a.old) return;
    const claim = a.obj as ClaimShape;
    const old = a.old as ClaimShape;
    if (requestedBytes(claim) <= requestedBytes(old)) return;
    const refuse = (message: string) => forbidden({ group: '', resource: 'persistentvolumeclaims' }, a.name, message);
    if (old.status?.phase !== 'Bound') throw refuse('Only bound persistent volume claims can be expanded');
    const className = claim.spec?.storageClassName;
    const classes = className && this.list ? await this.list('storage.k8s.io', 'storageclasses', undefined) : [];
    const cls = classes.find((c) => c.metadata.name === className) as { allowVolumeExpansion?: boolean } | undefined;
    if (cls?.allowVolumeExpansion !== true) {
      throw refuse('only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    }
  }
}
