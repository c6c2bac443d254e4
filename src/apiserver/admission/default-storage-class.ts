import type { KubeObject } from '../../api/index.js';
import { isDefaultStorageClass } from '../../api/resources/storage/storage-class.js';
import type { AdmissionAttributes, ObjectLister } from './types.js';

/** The class of a claim before `spec.storageClassName` existed; a claim carrying it has chosen. */
const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

function createdMs(obj: KubeObject): number {
  const t = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The default class among `classes`: marked `storageclass.kubernetes.io/is-default-class: "true"` (or the
 * beta annotation); with several, the newest, then the first by name, as Kubernetes picks.
 */
export function pickDefaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const c of classes) {
    if (!isDefaultStorageClass(c)) continue;
    if (!best) {
      best = c;
      continue;
    }
    const newer = createdMs(c) - createdMs(best);
    if (newer > 0 || (newer === 0 && (c.metadata.name ?? '') < (best.metadata.name ?? ''))) best = c;
  }
  return best;
}

/**
 * DefaultStorageClass, as kube-apiserver's admission plugin: a new claim that names no class gets the
 * default class. A claim that names one, including `""` (no class, so no dynamic provisioning), keeps
 * it; without a default class the claim is left alone.
 */
export class DefaultStorageClassAdmission {
  constructor(private readonly list?: ObjectLister) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.operation !== 'CREATE' || a.subresource || a.def.group !== '' || a.def.plural !== 'persistentvolumeclaims') return;
    if (!this.list) return;
    const spec = a.obj.spec as { storageClassName?: string | null } | undefined;
    if (!spec || typeof spec !== 'object') return;
    if (a.obj.metadata.annotations?.[betaStorageClassAnnotation] !== undefined) return;
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    const chosen = pickDefaultStorageClass(await this.list('storage.k8s.io', 'storageclasses', undefined));
    if (chosen?.metadata.name) spec.storageClassName = chosen.metadata.name;
  }
}
