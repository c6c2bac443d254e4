import type { KubeObject } from '../../../api/index.js';

/** A ConfigMap's or Secret's payload as the API returns it (Secret and binaryData values in base64). */
export interface KeyedData {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/**
 * What the container runtime needs from the cluster to build a pod's containers, given by the agent:
 * the ConfigMaps and Secrets env vars and volumes refer to, claims' host directories, and tokens.
 * `undefined` means "does not exist" (the container waits with CreateContainerConfigError); a thrown
 * error means the lookup failed and is retried.
 */
export interface PodResourceResolver {
  configMap(namespace: string, name: string): Promise<KeyedData | undefined>;
  secret(namespace: string, name: string): Promise<KeyedData | undefined>;
  /**
   * The host directory backing a claim (the storage's volumes are host directories); throws when the
   * claim is not bound or its volume has no host path.
   */
  persistentVolumeClaimPath?(namespace: string, claimName: string): Promise<string>;
  /** A service account token for a projected volume; without it such volumes fail to mount. */
  serviceAccountToken?(pod: KubeObject, opts: { audience?: string; expirationSeconds: number }): Promise<string>;
}

/** A fixed set of ConfigMaps and Secrets (`ns/name` keys), for tests and single-pod tools. */
export function staticPodResources(opts: { configMaps?: Record<string, KeyedData>; secrets?: Record<string, KeyedData>; claims?: Record<string, string> } = {}): PodResourceResolver {
  return {
    configMap: async (ns, name) => opts.configMaps?.[`${ns}/${name}`],
    secret: async (ns, name) => opts.secrets?.[`${ns}/${name}`],
    persistentVolumeClaimPath: async (ns, name) => {
      const p = opts.claims?.[`${ns}/${name}`];
      if (!p) throw new Error(`persistentvolumeclaim "${name}" not found`);
      return p;
    },
  };
}

/** A container can not be configured from what the cluster holds: kubelet's CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}
