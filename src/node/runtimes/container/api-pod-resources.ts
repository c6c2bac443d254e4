import { isNotFound, ResourceRegistry, type KubeObject } from '../../../api/index.js';
import { resourceFor, type ApiClient } from '../../../client/index.js';
import type { KeyedData, PodResourceResolver } from './pod-resources.js';

const registry = new ResourceRegistry();

async function getOrUndefined(client: ApiClient, plural: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(resourceFor(registry, '', 'v1', plural), name, { namespace });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * The cluster's ConfigMaps, Secrets, claims and service account tokens read through the API, as
 * kubelet reads them: claims resolve through their bound PersistentVolume to its hostPath or local path
 * (the built-in storage's volumes are host directories); tokens come from the TokenRequest API, bound
 * to the pod.
 */
export function apiPodResources(client: ApiClient): PodResourceResolver {
  return {
    configMap: async (ns, name) => (await getOrUndefined(client, 'configmaps', ns, name)) as KeyedData | undefined,
    secret: async (ns, name) => (await getOrUndefined(client, 'secrets', ns, name)) as KeyedData | undefined,
    persistentVolumeClaimPath: async (ns, claimName) => {
      const pvc = await getOrUndefined(client, 'persistentvolumeclaims', ns, claimName);
      if (!pvc) throw new Error(`persistentvolumeclaim "${claimName}" not found`);
      const volumeName = (pvc.spec as { volumeName?: string } | undefined)?.volumeName;
      const phase = (pvc.status as { phase?: string } | undefined)?.phase;
      if (!volumeName || phase !== 'Bound') throw new Error(`persistentvolumeclaim "${claimName}" is not bound`);
      const pv = await client.get(resourceFor(registry, '', 'v1', 'persistentvolumes'), volumeName);
      const spec = (pv.spec ?? {}) as { hostPath?: { path?: string }; local?: { path?: string } };
      const path = spec.hostPath?.path ?? spec.local?.path;
      if (!path) throw new Error(`persistentvolume "${volumeName}" has no hostPath or local path this node can mount`);
      return path;
    },
    serviceAccountToken: async (pod, opts) => {
      const ns = pod.metadata.namespace ?? 'default';
      const sa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
      const body = {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: opts.audience ? [opts.audience] : [],
          expirationSeconds: opts.expirationSeconds,
          boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: pod.metadata.name, uid: pod.metadata.uid },
        },
      };
      const res = await client.request<{ status?: { token?: string } }>('POST', `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`, body);
      if (!res.status?.token) throw new Error(`the TokenRequest for service account "${sa}" returned no token`);
      return res.status.token;
    },
  };
}
