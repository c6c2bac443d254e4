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

/**
 * Stands in for node agents: every `intervalMs` marks each pod that is not yet ready Running and Ready
 * with its own IP, and calls `observe` with the pods it listed (for invariant checks between steps).
 */
export function fakeKubelet(client: ApiClient, opts: { namespace?: string; intervalMs?: number; observe?: (pods: KubeObject[]) => void; skip?: (pod: KubeObject) => boolean } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let ipSeq = 1;
  const loop = (async () => {
    while (!stopped) {
      try {
        const pods = await list(client, r.pods, opts.namespace ?? 'default');
        opts.observe?.(pods);
        for (const p of pods) {
          const st = p.status as { conditions?: { type: string; status: string }[] } | undefined;
          const ready = st?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
          if (ready || p.metadata.deletionTimestamp || opts.skip?.(p)) continue;
          const n = ipSeq++;
          await markReady(client, p, `10.1.${Math.floor(n / 250)}.${(n % 250) + 1}`).catch(() => {});
        }
      } catch {
        // the server is going away at the end of a test
      }
      await new Promise((res) => setTimeout(res, opts.intervalMs ?? 15));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Runs kubectl against a cluster's plain-HTTP server; resolves stdout, rejects with stderr. */
export async function kubectl(cluster: Cluster, args: string[], timeoutMs = 30_000): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'wharf-kubectl-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${cluster.baseUrl}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
  );
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** A Service `web` selecting app=web with a named and a numbered port. */
export function webService(extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', labels: { tier: 'front' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }], ...extra },
  };
}

/** A pod for `webService()` whose container names port 8080 `http`. */
export function webPod(name: string, extra: Record<string, unknown> = {}): KubeObject {
  const p = barePod(name, { app: 'web' });
  p.spec = { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra };
  return p;
}

