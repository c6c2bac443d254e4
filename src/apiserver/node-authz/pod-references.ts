import type { KubeObject } from '../../api/index.js';

/** The objects of its own namespace a pod names, which the node running it must be able to read. */
export interface PodReferences {
  secrets: string[];
  configMaps: string[];
  claims: string[];
  /** Empty when the pod names none. */
  serviceAccount: string;
}

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Volume sources that name a Secret in `secretRef.name` (or, for some, `secretName`). */
const secretRefVolumes = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'];

/**
 * Every Secret, ConfigMap, claim and the ServiceAccount a pod spec names, as Kubernetes' pod visitors
 * find them: image pull secrets, env and envFrom of all containers (init and ephemeral too), and volumes
 * (secret, configMap, projected, the plugin volumes with secret references, CSI publish secrets,
 * persistentVolumeClaim and generic ephemeral volumes, whose claim is `<pod>-<volume>`).
 */
export function podReferences(pod: KubeObject): PodReferences {
  const spec = asObj(pod.spec) ?? {};
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const claims = new Set<string>();
  const add = (set: Set<string>, name: unknown) => {
    const n = str(name);
    if (n) set.add(n);
  };
  for (const ref of asArr(spec.imagePullSecrets)) add(secrets, asObj(ref)?.name);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of asArr(spec[list])) {
      const container = asObj(c) ?? {};
      for (const e of asArr(container.envFrom)) {
        add(secrets, asObj(asObj(e)?.secretRef)?.name);
        add(configMaps, asObj(asObj(e)?.configMapRef)?.name);
      }
      for (const e of asArr(container.env)) {
        const from = asObj(asObj(e)?.valueFrom);
        add(secrets, asObj(from?.secretKeyRef)?.name);
        add(configMaps, asObj(from?.configMapKeyRef)?.name);
      }
    }
  }
  for (const v of asArr(spec.volumes)) {
    const volume = asObj(v) ?? {};
    add(secrets, asObj(volume.secret)?.secretName);
    add(configMaps, asObj(volume.configMap)?.name);
    add(secrets, asObj(volume.azureFile)?.secretName);
    for (const key of secretRefVolumes) add(secrets, asObj(asObj(volume[key])?.secretRef)?.name);
    add(secrets, asObj(asObj(volume.csi)?.nodePublishSecretRef)?.name);
    for (const s of asArr(asObj(volume.projected)?.sources)) {
      add(secrets, asObj(asObj(s)?.secret)?.name);
      add(configMaps, asObj(asObj(s)?.configMap)?.name);
    }
    add(claims, asObj(volume.persistentVolumeClaim)?.claimName);
    if (asObj(volume.ephemeral) && str(volume.name)) claims.add(`${pod.metadata.name ?? ''}-${str(volume.name)}`);
  }
  return { secrets: [...secrets], configMaps: [...configMaps], claims: [...claims], serviceAccount: str(spec.serviceAccountName) };
}

/** The Secrets a PersistentVolume names (its plugins' secret references), as `namespace/name`. */
export function persistentVolumeSecrets(pv: KubeObject): string[] {
  const spec = asObj(pv.spec) ?? {};
  const out = new Set<string>();
  const claimNamespace = str(asObj(spec.claimRef)?.namespace);
  const add = (ref: unknown, defaultNamespace = claimNamespace) => {
    const r = asObj(ref);
    const name = str(r?.name);
    const ns = str(r?.namespace) || defaultNamespace;
    if (name && ns) out.add(`${ns}/${name}`);
  };
  // Some sources hold only a name, in the claim's namespace (azureFile's secretNamespace overrides it).
  const azure = asObj(spec.azureFile);
  if (azure && str(azure.secretName)) add({ name: azure.secretName, namespace: str(azure.secretNamespace) || 'default' });
  for (const key of ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos']) add(asObj(spec[key])?.secretRef);
  const csi = asObj(spec.csi);
  if (csi) {
    for (const key of ['nodePublishSecretRef', 'nodeStageSecretRef', 'controllerPublishSecretRef', 'controllerExpandSecretRef', 'nodeExpandSecretRef']) add(csi[key]);
  }
  return [...out];
}
