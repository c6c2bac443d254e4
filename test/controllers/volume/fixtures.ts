// Helpers for the volume controller tests: PV, PVC, class and pod manifests, reads, and event lookups.
import { isNotFound, type KubeObject } from '../../../src/api/index.js';
import { resourceFor, type ApiClient } from '../../../src/client/index.js';
import { eventually, registry } from '../fixtures.js';

export const res = {
  volumes: resourceFor(registry, '', 'v1', 'persistentvolumes'),
  claims: resourceFor(registry, '', 'v1', 'persistentvolumeclaims'),
  classes: resourceFor(registry, 'storage.k8s.io', 'v1', 'storageclasses'),
  pods: resourceFor(registry, '', 'v1', 'pods'),
  events: resourceFor(registry, '', 'v1', 'events'),
};

/** Settings that make the binder resync often, so a missed event costs little in a test. */
export const fastSettings = { 'persistentvolume-binder': { syncPeriodMs: 500 } };

export interface VolumeOptions {
  cls?: string;
  modes?: string[];
  policy?: 'Retain' | 'Delete' | 'Recycle';
  claimRef?: Record<string, string>;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** A hostPath PersistentVolume of the given size. */
export function volume(name: string, storage: string, o: VolumeOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(o.annotations ? { annotations: o.annotations } : {}), ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      hostPath: { path: `/tmp/wharf-test/${name}` },
      ...(o.cls !== undefined ? { storageClassName: o.cls } : {}),
      ...(o.claimRef ? { claimRef: o.claimRef } : {}),
    },
  };
}

export interface ClaimOptions {
  cls?: string;
  modes?: string[];
  volumeName?: string;
  annotations?: Record<string, string>;
  selector?: Record<string, unknown>;
}

/** A PersistentVolumeClaim in `default`; no `cls` leaves the class to admission. */
export function claim(name: string, storage: string, o: ClaimOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage } },
      ...(o.cls !== undefined ? { storageClassName: o.cls } : {}),
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      ...(o.selector ? { selector: o.selector } : {}),
    },
  };
}

/** A StorageClass; `isDefault` marks it the cluster default. */
export function storageClass(name: string, provisioner: string, o: { mode?: 'Immediate' | 'WaitForFirstConsumer'; isDefault?: boolean; policy?: 'Retain' | 'Delete' } = {}): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(o.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner,
    reclaimPolicy: o.policy ?? 'Delete',
    volumeBindingMode: o.mode ?? 'Immediate',
  };
}

/** A pod in `default` mounting the claim; `nodeName` makes it look scheduled. */
export function podUsing(name: string, claimName: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  };
}

type Spec = { volumeName?: string; claimRef?: { name?: string; namespace?: string; uid?: string }; storageClassName?: string };
type Status = { phase?: string; message?: string; capacity?: Record<string, string>; accessModes?: string[] };
export type Obj = KubeObject & { spec: Spec; status?: Status };

export async function getClaim(client: ApiClient, name: string): Promise<Obj | undefined> {
  try {
    return await client.get<Obj>(res.claims, name, { namespace: 'default' });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function getVolume(client: ApiClient, name: string): Promise<Obj | undefined> {
  try {
    return await client.get<Obj>(res.volumes, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Waits until the claim's phase is `phase`, and returns it. */
export function claimInPhase(client: ApiClient, name: string, phase: string, timeoutMs = 10_000): Promise<Obj> {
  return eventually(async () => {
    const c = await getClaim(client, name);
    return c?.status?.phase === phase ? c : undefined;
  }, timeoutMs, `claim ${name} ${phase}`);
}

/** Waits until the volume's phase is `phase`, and returns it. */
export function volumeInPhase(client: ApiClient, name: string, phase: string, timeoutMs = 10_000): Promise<Obj> {
  return eventually(async () => {
    const v = await getVolume(client, name);
    return v?.status?.phase === phase ? v : undefined;
  }, timeoutMs, `volume ${name} ${phase}`);
}

/** Waits for an event about `name` with `reason`, and returns it. */
export function eventFor(client: ApiClient, name: string, reason: string, timeoutMs = 10_000): Promise<KubeObject & { message?: string; type?: string }> {
  return eventually(async () => {
    const list = await client.list<KubeObject & { message?: string; type?: string; reason?: string; involvedObject?: { name?: string } }>(res.events, {});
    return list.items.find((e) => e.involvedObject?.name === name && e.reason === reason);
  }, timeoutMs, `event ${reason} on ${name}`);
}
