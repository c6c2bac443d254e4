// Shared helpers for controller tests: a real API server, a controller manager running chosen
// controllers against it, and ways to make pods look scheduled and ready (no node agent runs here).
import { ApiServer } from '../../src/apiserver/server.js';
import { ResourceRegistry, type KubeObject } from '../../src/api/index.js';
import { MemoryStore } from '../../src/storage/index.js';
import { ApiClient, ControllerManager, resourceFor, type ResourceDescriptor } from '../../src/client/index.js';
import type { ControllerEntry } from '../../src/controllers/index.js';

export const registry = new ResourceRegistry();
export const r = {
  pods: resourceFor(registry, '', 'v1', 'pods'),
  namespaces: resourceFor(registry, '', 'v1', 'namespaces'),
  services: resourceFor(registry, '', 'v1', 'services'),
  endpoints: resourceFor(registry, '', 'v1', 'endpoints'),
  configMaps: resourceFor(registry, '', 'v1', 'configmaps'),
  replicationControllers: resourceFor(registry, '', 'v1', 'replicationcontrollers'),
  events: resourceFor(registry, '', 'v1', 'events'),
  quotas: resourceFor(registry, '', 'v1', 'resourcequotas'),
  deployments: resourceFor(registry, 'apps', 'v1', 'deployments'),
  replicaSets: resourceFor(registry, 'apps', 'v1', 'replicasets'),
  endpointSlices: resourceFor(registry, 'discovery.k8s.io', 'v1', 'endpointslices'),
  pdbs: resourceFor(registry, 'policy', 'v1', 'poddisruptionbudgets'),
};

export interface Cluster {
  client: ApiClient;
  manager: ControllerManager;
  baseUrl: string;
  close(): Promise<void>;
}

/** A server plus a manager running `entries`; `settings` go to the manager by controller name. */
export async function startCluster(entries: readonly ControllerEntry[], settings: Record<string, unknown> = {}): Promise<Cluster> {
  const store = new MemoryStore();
  const server = new ApiServer({ store });
  const port = await server.listen(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = new ApiClient({ baseUrl, component: 'test', timeoutMs: 5000 });
  const managerClient = new ApiClient({ baseUrl, component: 'controller-manager', timeoutMs: 5000 });
  const manager = new ControllerManager({ client: managerClient, registry, settings, logger: () => {} });
  for (const e of entries) e.setup(manager);
  const abort = new AbortController();
  const running = manager.start(abort.signal);
  return {
    client,
    manager,
    baseUrl,
    async close() {
      abort.abort();
      await running;
      await manager.informers.stop();
      client.close();
      managerClient.close();
      await server.close();
      await store.close();
    },
  };
}

/** Polls until `check` returns true (or throws no more), failing after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

export async function list<T extends KubeObject = KubeObject>(client: ApiClient, res: ResourceDescriptor, namespace = 'default', labelSelector?: string): Promise<T[]> {
  return (await client.list<T>(res, { namespace, labelSelector })).items;
}

function nowRfc3339(offsetSeconds = 0): string {
  return new Date(Date.now() + offsetSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Marks a pod Running and Ready (ready since `readySecondsAgo`) with an IP, as a node agent would. */
export async function markReady(client: ApiClient, pod: KubeObject, ip = '10.0.0.1', readySecondsAgo = 0): Promise<KubeObject> {
  const fresh = await client.get(r.pods, pod.metadata.name!, { namespace: pod.metadata.namespace });
  const since = nowRfc3339(-readySecondsAgo);
  fresh.status = {
    ...(fresh.status as object),
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: since },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: since },
    ],
  };
  return client.updateStatus(r.pods, fresh);
}

/** Marks a pod Running but not ready. */
export async function markNotReady(client: ApiClient, pod: KubeObject, ip = '10.0.0.1'): Promise<KubeObject> {
  const fresh = await client.get(r.pods, pod.metadata.name!, { namespace: pod.metadata.namespace });
  fresh.status = { ...(fresh.status as object), phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: nowRfc3339() }] };
  return client.updateStatus(r.pods, fresh);
}

export function podTemplate(labels: Record<string, string>, image = 'nginx:1'): KubeObject['spec'] {
  return { metadata: { labels }, spec: { containers: [{ name: 'c', image }] } };
}

export function replicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: labels }, template: podTemplate(labels) },
  };
}

export function barePod(name: string, labels: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels, ...extra }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
}
