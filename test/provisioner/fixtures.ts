// Shared helpers for the provisioner tests: a real API server, descriptors, claims, classes and a manager.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../src/api/index.js';
import { EventRecorder, resourceFor, SharedInformerFactory, type ApiClient } from '../../src/client/index.js';
import { ProvisionController, type Provisioner } from '../../src/provisioner/index.js';
import { quiet, registry, startApi, type TestApi } from '../client/fixtures.js';

export const claims = resourceFor(registry, '', 'v1', 'persistentvolumeclaims');
export const volumes = resourceFor(registry, '', 'v1', 'persistentvolumes');
export const classes = resourceFor(registry, 'storage.k8s.io', 'v1', 'storageclasses');
export const nodesResource = resourceFor(registry, '', 'v1', 'nodes');
export const eventsResource = resourceFor(registry, '', 'v1', 'events');
export const configMapsResource = resourceFor(registry, '', 'v1', 'configmaps');
export const resources = { claims, volumes, classes, nodes: nodesResource };

export function storageClass(name: string, provisioner: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, ...extra };
}

export function claim(name: string, className: string, annotations: Record<string, string> = {}, size = '1Gi'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', annotations },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: className, resources: { requests: { storage: size } } },
  };
}

export const asClaim = (o: KubeObject): PersistentVolumeClaim => o as unknown as PersistentVolumeClaim;
export const asPv = (o: KubeObject): PersistentVolume => o as unknown as PersistentVolume;

export async function getOrUndefined(client: ApiClient, r: typeof claims, name: string, namespace?: string): Promise<KubeObject | undefined> {
  try {
    return await client.get(r, name, { namespace });
  } catch {
    return undefined;
  }
}

/** Events about an object, by reason. */
export async function eventsFor(client: ApiClient, name: string, reason: string): Promise<KubeObject[]> {
  const list = await client.list(eventsResource, { namespace: 'default' });
  return list.items.filter((e) => (e.involvedObject as { name?: string }).name === name && e.reason === reason);
}

export interface Running {
  api: TestApi;
  controller: ProvisionController;
  stop(): Promise<void>;
}

/** A server and a ProvisionController for `provisioner`, with short retry delays. */
export async function startProvisioner(provisioner: Provisioner, retryBaseMs = 40): Promise<Running> {
  const api = await startApi();
  const informers = new SharedInformerFactory(api.client, { logger: quiet });
  const recorder = new EventRecorder(api.client, { component: provisioner.name, logger: quiet });
  const controller = new ProvisionController({ client: api.client, informers, resources, provisioner, recorder, logger: quiet, retryBaseMs, retryMaxMs: 2000 });
  const abort = new AbortController();
  const running = controller.start(abort.signal);
  return {
    api,
    controller,
    async stop() {
      abort.abort();
      await running;
      await recorder.flush();
      await api.close();
    },
  };
}

/** What the protection controllers do once nothing uses the object: drop their finalizer. */
export async function releaseProtection(client: ApiClient, r: typeof claims, name: string, namespace?: string): Promise<void> {
  const protection = r === claims ? 'kubernetes.io/pvc-protection' : 'kubernetes.io/pv-protection';
  for (let i = 0; i < 20; i++) {
    const o = await getOrUndefined(client, r, name, namespace);
    if (!o?.metadata.finalizers?.includes(protection)) return;
    try {
      await client.patch(r, name, { metadata: { resourceVersion: o.metadata.resourceVersion, finalizers: o.metadata.finalizers.filter((f) => f !== protection) } }, { type: 'merge', namespace });
      return;
    } catch {
      // changed meanwhile: read again
    }
  }
}
